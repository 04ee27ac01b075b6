package config

import "errors"

// Error is a configuration that cannot be used: a bad file, environment
// variable, --set or value. Binaries exit with status 2 on it, apart from
// the 1 of a failure at run time.
type Error struct{ Err error }

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Invalid marks err as a configuration error; nil stays nil.
func Invalid(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Err: err}
}

// IsInvalid tells whether err, or any error it wraps, is a configuration error.
func IsInvalid(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
