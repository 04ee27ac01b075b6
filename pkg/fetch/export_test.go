package fetch

// Internal exposes the address policy to the tests.
var Internal = internal
