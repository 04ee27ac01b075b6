package warehouse

import (
	"context"
	"errors"
	"fmt"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// failure says what a failed insert means for the rows in it.
type failure int

const (
	// transient: the server or the network failed, not the rows; the whole
	// batch is retried later.
	transient failure = iota
	// badData: some row in the insert is refused; split the insert to find it.
	badData
	// tooBig: the insert as a whole is refused (too many partitions in one
	// block); smaller inserts pass, and one article alone is retried later.
	tooBig
)

// Server exception codes that reject the data sent, not the server's state.
// On such a code the writer bisects the insert until the refused article is
// alone, and reports it in Write's rejected map.
var badDataCodes = map[int32]string{
	6:   "CANNOT_PARSE_TEXT",
	26:  "CANNOT_PARSE_QUOTED_STRING",
	27:  "CANNOT_PARSE_INPUT_ASSERTION_FAILED",
	38:  "CANNOT_PARSE_DATE",
	41:  "CANNOT_PARSE_DATETIME",
	53:  "TYPE_MISMATCH",
	69:  "ARGUMENT_OUT_OF_BOUND",
	70:  "CANNOT_CONVERT_TYPE",
	72:  "CANNOT_PARSE_NUMBER",
	117: "INCORRECT_DATA",
	131: "TOO_LARGE_STRING_SIZE",
	349: "CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN",
	395: "FUNCTION_THROW_IF_VALUE_IS_NON_ZERO", // a throwIf validation view: how 18.16 does CHECK
	469: "VIOLATED_CONSTRAINT",                 // CONSTRAINT ... CHECK on current releases
}

// tooManyParts is TOO_MANY_PARTS: "Too many partitions for single INSERT
// block" (current releases refuse inserts touching more than
// max_partitions_per_insert_block months), which splitting cures, and also
// "Too many parts", back-pressure that waiting cures. Splitting first and
// retrying a lone article later handles both.
const tooManyParts = 252

// Everything else is transient: network errors, timeouts (159, 209),
// NETWORK_ERROR (210), MEMORY_LIMIT_EXCEEDED (241), TABLE_IS_READ_ONLY (242),
// TOO_MANY_SIMULTANEOUS_QUERIES (202), and also schema errors such as
// UNKNOWN_TABLE (60) or NO_SUCH_COLUMN_IN_TABLE (16): those are a deployment
// fault (Migrate not run), and retrying until it is fixed loses nothing,
// where rejecting would dead-letter every article.

func classify(err error) failure {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return transient
	}
	var appendErr *appendError
	if errors.As(err, &appendErr) {
		return badData
	}
	var ex *clickhouse.Exception
	if !errors.As(err, &ex) {
		return transient
	}
	if ex.Code == tooManyParts {
		return tooBig
	}
	if _, ok := badDataCodes[ex.Code]; ok {
		return badData
	}
	return transient
}

// appendError is the driver refusing a value while building the block: the
// row's data, not the server, is at fault.
type appendError struct {
	table string
	err   error
}

func (e *appendError) Error() string { return fmt.Sprintf("append to %s: %v", e.table, e.err) }
func (e *appendError) Unwrap() error { return e.err }
