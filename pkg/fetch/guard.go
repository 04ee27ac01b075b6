package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// ErrPrivateAddress is returned when a request would reach a private,
// loopback, link-local or otherwise internal address from a source that is
// not allowed to (allow_private).
var ErrPrivateAddress = errors.New("refusing a private, loopback or link-local address")

// ErrScheme is returned for a URL that is not http or https.
var ErrScheme = errors.New("only http and https URLs are fetched")

// ErrTooManyRedirects is returned past WebOptions.MaxRedirects.
var ErrTooManyRedirects = errors.New("too many redirects")

// sharedAddress is 100.64.0.0/10 (carrier-grade NAT), internal but not
// covered by netip's IsPrivate.
var sharedAddress = netip.MustParsePrefix("100.64.0.0/10")

// internal reports addresses a public-web fetcher must not reach.
func internal(ip netip.Addr) bool {
	ip = ip.Unmap()
	return !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() ||
		ip.IsUnspecified() || sharedAddress.Contains(ip)
}

// guardedDialer checks the address actually dialled, after name resolution,
// so a name that resolves (or re-resolves, DNS rebinding) to an internal
// address is refused as surely as a literal one.
func guardedDialer(timeout time.Duration, allowPrivate bool) *net.Dialer {
	d := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if allowPrivate {
		return d
	}
	d.Control = func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return fmt.Errorf("dial %s: %w", address, err)
		}
		ip, err := netip.ParseAddr(host)
		if err != nil || internal(ip) {
			return fmt.Errorf("dial %s: %w", address, ErrPrivateAddress)
		}
		return nil
	}
	return d
}

// newClient builds the HTTP client of one address policy. Each policy has
// its own transport so a connection opened for an allow_private source is
// never reused by another source.
func newClient(o WebOptions, allowPrivate bool) *http.Client {
	d := guardedDialer(o.Timeout, allowPrivate)
	tr := &http.Transport{
		// No proxy from the environment: the dial-time check must see the
		// address of the site itself.
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          32,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   o.Timeout,
		ResponseHeaderTimeout: o.Timeout,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > o.MaxRedirects {
				return fmt.Errorf("%w (%d)", ErrTooManyRedirects, o.MaxRedirects)
			}
			return checkScheme(req.URL)
		},
	}
}

func checkScheme(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%s: %w", u.Redacted(), ErrScheme)
	}
	if u.Host == "" {
		return fmt.Errorf("%s: no host", u.Redacted())
	}
	return nil
}

// contextError keeps dial-policy errors apart from transient network errors.
func permanentNetError(err error) bool {
	return errors.Is(err, ErrPrivateAddress) || errors.Is(err, ErrScheme) ||
		errors.Is(err, ErrTooManyRedirects) || errors.Is(err, context.Canceled)
}
