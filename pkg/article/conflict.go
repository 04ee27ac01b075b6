package article

import (
	"errors"
	"fmt"
)

// ErrConflict is a raw message whose id is not the one its content gives.
var ErrConflict = errors.New("id conflict")

// CheckRawID refuses a raw article whose id is not the hash of its source,
// URI and body. Ids are content hashes, so this is an id reused with another
// body: published by hand with an id already seen. Its Nats-Msg-Id may
// already be in the duplicate window (the server drops it) or not; either
// way it would silently replace, downstream, the article the id belongs to.
func CheckRawID(r Raw) error {
	want := RawID(r.Source, r.URI, r.Body)
	if r.ID == want {
		return nil
	}
	return fmt.Errorf("%w: raw article %s (source %q, uri %q) came with a body whose id is %s: the id was reused with another body; "+
		"to publish a correction, give it \"id\": %q and publish it with casewire publish (which sends it as Nats-Msg-Id raw:%s), "+
		"or drop the corrected file into a fetch source (fetch derives both)",
		ErrConflict, r.ID, r.Source, r.URI, want, want, want)
}
