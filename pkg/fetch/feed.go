package fetch

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/mmcdole/gofeed"

	"github.com/casewire/casewire/pkg/article"
)

// pollFeed fetches an RSS or Atom feed and publishes its items: the pages
// they link to, or with FeedContent the items themselves.
func (r *Runner) pollFeed(ctx context.Context, u string, st *Stats) error {
	res, err := r.fetchConditional(ctx, u, st)
	if err != nil {
		return r.siteFailed(u, err, st)
	}
	if res.NotModified {
		return nil
	}
	// gofeed reads RSS 0.9x/1.0/2.0, Atom and JSON Feed, and decodes the XML
	// encoding declaration (GBK feeds included).
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(res.Body))
	if err != nil {
		return r.siteFailed(u, fmt.Errorf("parse feed %s: %w", u, err), st)
	}
	base, _ := url.Parse(res.URL)
	complete := true
	for i, it := range feed.Items {
		m := meta("title", strings.TrimSpace(it.Title), "published", itemPublished(it))
		link := resolve(base, firstOf(it.Link, firstLink(it.Links)))
		var ok bool
		switch {
		case r.FeedContent || link == "":
			ok, err = true, r.publishItem(ctx, u, i, link, it, m, st)
		default:
			ok, err = r.fetchNew(ctx, link, m, st)
		}
		if err != nil {
			return err
		}
		complete = complete && ok
	}
	if !complete {
		return nil
	}
	return r.Pub.SaveValidators(ctx, r.Source.Name, u, res.Validators)
}

// publishItem publishes a feed item as an HTML fragment. Its URI is its link,
// else its guid, else its place in the feed.
func (r *Runner) publishItem(ctx context.Context, feedURL string, i int, link string, it *gofeed.Item, m map[string]string, st *Stats) error {
	body := firstOf(it.Content, it.Description)
	if strings.TrimSpace(body) == "" {
		return nil // a headline without text says nothing to count
	}
	uri := firstOf(link, it.GUID, fmt.Sprintf("%s#%d", feedURL, i+1))
	src := r.Source
	src.Charset = "utf-8" // gofeed hands back decoded text
	raw := newRaw(src, uri, article.FormatHTML, []byte(body), r.Options)
	raw.Meta = m
	if link != "" {
		raw.Meta = meta("title", m["title"], "published", m["published"], "url", link)
	}
	st.Articles++
	ok, err := r.Pub.Publish(ctx, raw)
	if ok {
		st.Published++
	}
	return err
}

// itemPublished is the item's publication time in China time, or its
// update time when the feed gives no other.
func itemPublished(it *gofeed.Item) string {
	switch {
	case it.PublishedParsed != nil:
		return chinaTime(*it.PublishedParsed)
	case it.UpdatedParsed != nil:
		return chinaTime(*it.UpdatedParsed)
	}
	return strings.TrimSpace(firstOf(it.Published, it.Updated))
}

func firstLink(links []string) string {
	if len(links) > 0 {
		return links[0]
	}
	return ""
}

// resolve makes a link absolute against base; only http(s) links are kept.
func resolve(base *url.URL, href string) string {
	href = strings.TrimSpace(href)
	if href == "" {
		return ""
	}
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	u.Fragment = ""
	return u.String()
}
