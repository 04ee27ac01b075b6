package service

import "testing"

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"nats://127.0.0.1:4222", "nats://127.0.0.1:4222"},
		{"nats://casewire:s3cret@nats-1:4222", "nats://redacted@nats-1:4222"},
		{"nats://tok@a:4222, nats://b:4222", "nats://redacted@a:4222,nats://b:4222"},
		{"embedded", "embedded"},
	} {
		if got := redactURL(tc.in); got != tc.want {
			t.Errorf("redactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
