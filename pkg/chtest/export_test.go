package chtest

// UniqueName exposes uniqueName to the external tests.
var UniqueName = uniqueName
