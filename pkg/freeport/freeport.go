// Package freeport finds free loopback TCP ports for tests that must know a
// server's address before it starts: cluster routes, a ClickHouse config.
package freeport

import (
	"net"
	"testing"
)

// Get returns one free loopback port.
func Get(t testing.TB) int {
	t.Helper()
	return Some(t, 1)[0]
}

// Some returns n distinct free loopback ports: all n are held open until the
// last is found, so none is handed out twice.
func Some(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, 0, n)
	ls := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports
}
