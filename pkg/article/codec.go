package article

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrUnsupportedVersion is returned for a payload of a schema version this
// build does not read. It is permanent: retrying will not help.
var ErrUnsupportedVersion = errors.New("unsupported schema version")

// ErrInvalid is returned for a payload that is not a valid message at all.
var ErrInvalid = errors.New("invalid message")

// Encode marshals a message. It sets nothing: callers build messages with V set.
func Encode(msg any) ([]byte, error) {
	b, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("encode %T: %w", msg, err)
	}
	return b, nil
}

// Decode unmarshals a payload of the current version into msg (a *Raw, *Clean
// or *Extracted). It fails with ErrUnsupportedVersion for any other version,
// and with ErrInvalid for anything that is not a JSON object of the contract,
// including unknown fields: a stage that does not understand a message must
// not half-process it.
//
// The payload is parsed once on the way every message takes; only a payload
// that fails is parsed again, for its version, so that a message of a newer
// schema (which may well carry unknown fields) is reported as such.
func Decode(data []byte, msg any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(msg)
	if err == nil {
		if _, terr := dec.Token(); !errors.Is(terr, io.EOF) {
			err = errors.New("data after the message")
		}
	}
	if err == nil && schemaVersion(msg) == Version {
		if verr := validate(msg); verr != nil {
			return fmt.Errorf("%w: %v", ErrInvalid, verr)
		}
		return nil
	}
	var head struct {
		V *int `json:"v"`
	}
	if herr := json.Unmarshal(data, &head); herr != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, herr)
	}
	if head.V == nil {
		return fmt.Errorf("%w: no schema version field \"v\"", ErrInvalid)
	}
	if *head.V != Version {
		return fmt.Errorf("%w: %d (this build reads %d)", ErrUnsupportedVersion, *head.V, Version)
	}
	return fmt.Errorf("%w: %v", ErrInvalid, err)
}

// schemaVersion is the "v" a decoded message carries.
func schemaVersion(msg any) int {
	switch m := msg.(type) {
	case *Raw:
		return m.V
	case *Clean:
		return m.V
	case *Extracted:
		return m.V
	}
	return Version // other types carry no version of their own
}

func validate(msg any) error {
	switch m := msg.(type) {
	case *Raw:
		if m.ID == "" || m.Source == "" || m.URI == "" {
			return errors.New("raw article needs id, source and uri")
		}
	case *Clean:
		if m.ID == "" || m.RawID == "" {
			return errors.New("clean article needs id and raw_id")
		}
	case *Extracted:
		if m.ID == "" || m.RawID == "" {
			return errors.New("extracted article needs id and raw_id")
		}
	}
	return nil
}
