// Command go-credential-provider answers, with Go's own net/url, net, path/filepath and time, the questions the kubelet
// asks of a credential provider config: is a matchImages pattern valid and does it match an image name
// (pkg/credentialprovider: ParseSchemelessURL, SplitURL, URLsMatch), and is defaultCacheDuration a duration
// (metav1.Duration is time.ParseDuration of a string)? The tests let it judge the TypeScript port instead of trusting it.
//
// It is written for these tests from the behaviour the kubelet documents and its source shows, and needs only the
// standard library (no modules, no network):
//   - a pattern or an image name is parsed as the URL "https://" + text; a parse error makes the pattern invalid;
//   - the host is split with net.SplitHostPort, and when that fails the whole host is kept with no port;
//   - a match needs the same port string, the same number of '.'-separated host parts, the pattern's path as a plain
//     prefix of the image's path, and filepath.Match of every pattern part against the image's part (an error from
//     filepath.Match counts as no match, as isImageAllowed ignores it).
//
// Input on stdin: {"patterns": ["..."], "cases": [{"pattern": "...", "image": "..."}], "durations": ["..."]}, where image
// is the normalized repository name the kubelet looks up (domain/path, no tag or digest). Output on stdout:
// {"go": "<runtime.Version()>", "patternErrors": ["" or the url.Parse error], "matches": [true or false],
// "durations": [{"nanoseconds": "n" (a string: JSON numbers lose int64 precision), "error": "" or the time.ParseDuration error}]}.
package main

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

type matchCase struct {
	Pattern *string `json:"pattern"`
	Image   *string `json:"image"`
}

type request struct {
	Patterns  []string    `json:"patterns"`
	Cases     []matchCase `json:"cases"`
	Durations []string    `json:"durations"`
}

type duration struct {
	Nanoseconds int64  `json:"nanoseconds,string"`
	Error       string `json:"error"`
}

type response struct {
	Go            string     `json:"go"`
	PatternErrors []string   `json:"patternErrors"`
	Matches       []bool     `json:"matches"`
	Durations     []duration `json:"durations"`
}

// schemeless parses text the way the kubelet parses a schemeless registry URL.
func schemeless(text string) (*url.URL, error) {
	return url.Parse("https://" + text)
}

// hostParts returns the '.'-separated parts of the host and the port, keeping the whole host when it has no port.
func hostParts(u *url.URL) ([]string, string) {
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil {
		host, port = u.Host, ""
	}
	return strings.Split(host, "."), port
}

func matches(pattern, image string) bool {
	p, err := schemeless(pattern)
	if err != nil {
		return false
	}
	t, err := schemeless(image)
	if err != nil {
		return false
	}
	pParts, pPort := hostParts(p)
	tParts, tPort := hostParts(t)
	if pPort != tPort || len(pParts) != len(tParts) || !strings.HasPrefix(t.Path, p.Path) {
		return false
	}
	for i := range pParts {
		ok, err := filepath.Match(pParts[i], tParts[i])
		if err != nil || !ok {
			return false
		}
	}
	return true
}

func main() {
	var req request
	decoder := json.NewDecoder(os.Stdin)
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "cannot read the request:", err)
		os.Exit(1)
	}
	res := response{Go: runtime.Version(), PatternErrors: []string{}, Matches: []bool{}, Durations: []duration{}}
	for _, pattern := range req.Patterns {
		message := ""
		if _, err := schemeless(pattern); err != nil {
			message = err.Error()
		}
		res.PatternErrors = append(res.PatternErrors, message)
	}
	for i, c := range req.Cases {
		if c.Pattern == nil || c.Image == nil {
			fmt.Fprintf(os.Stderr, "case %d needs a 'pattern' and an 'image'\n", i)
			os.Exit(1)
		}
		res.Matches = append(res.Matches, matches(*c.Pattern, *c.Image))
	}
	for _, text := range req.Durations {
		d, err := time.ParseDuration(text)
		message := ""
		if err != nil {
			message = err.Error()
		}
		res.Durations = append(res.Durations, duration{Nanoseconds: int64(d), Error: message})
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
