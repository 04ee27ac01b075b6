package fetch

import (
	"strings"
	"testing"
	"time"

	"github.com/casewire/casewire/pkg/config"
)

func TestWebOptionsOf(t *testing.T) {
	cases := []struct {
		name          string
		edit          func(*config.Fetch)
		wantUA        string // substring
		wantRetries   int
		wantRedirects int
	}{
		{name: "defaults", edit: func(*config.Fetch) {}, wantUA: "(+https://example.invalid/casewire)", wantRetries: 3, wantRedirects: 5},
		{name: "contact url in the agent", edit: func(f *config.Fetch) { f.ContactURL = "https://casewire.example.org/bot" },
			wantUA: "casewire/", wantRetries: 3, wantRedirects: 5},
		{name: "user agent replaces all", edit: func(f *config.Fetch) { f.UserAgent = "probe/1" }, wantUA: "probe/1", wantRetries: 3, wantRedirects: 5},
		// Zero configured means none, not the client's default.
		{name: "no retries, no redirects", edit: func(f *config.Fetch) { f.Retries, f.MaxRedirects = 0, 0 },
			wantUA: "casewire/", wantRetries: -1, wantRedirects: -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fc := config.Default().Fetch
			tc.edit(&fc)
			o := WebOptionsOf(fc)
			if !strings.Contains(o.UserAgent, tc.wantUA) || o.Retries != tc.wantRetries || o.MaxRedirects != tc.wantRedirects {
				t.Errorf("got %+v", o)
			}
			if fc.ContactURL != "" && fc.UserAgent == "" && !strings.Contains(o.UserAgent, fc.ContactURL) {
				t.Errorf("agent %q lacks the contact URL", o.UserAgent)
			}
			if o.Timeout != 30*time.Second || o.HostDelay != time.Second || o.MaxBytes != 4<<20 {
				t.Errorf("limits not carried: %+v", o)
			}
		})
	}
}
