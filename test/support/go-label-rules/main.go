// Command go-label-rules answers, with Go's own regexp, strings and unicode packages, whether the API server accepts a
// label key, a label value, an annotation key and a set of annotations, so that the tests judge the TypeScript port in
// lib/input/values.ts with a second implementation that shares no code with it.
//
// It is written for these tests from the rules the Kubernetes API documents and apimachinery's validation shows
// (read, not copied), and needs only the standard library (no modules, no network):
//   - a label key is a qualified name: an optional prefix and '/', then a name. The name is 1 to 63 characters,
//     alphanumeric at both ends, with '-', '_' and '.' inside; the prefix is a DNS-1123 subdomain: at most 253
//     characters, lower-case alphanumeric labels with '-' inside, joined by '.';
//   - a label value is empty, or at most 63 characters of the name's form;
//   - an annotation key is a qualified name after Go's strings.ToLower (case does not matter there);
//   - the annotations of one object weigh at most 256 KiB, counting the bytes of every key and value.
//
// Input on stdin: {"labelKeys": ["..."], "labelValues": ["..."], "annotationKeys": ["..."], "annotations": [{"k": "v"}]}.
// Output on stdout: {"labelKeys": [[problems]], "labelValues": [[problems]], "annotationKeys": [[problems]],
// "annotations": ["" or the size problem]}; an empty list means valid.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
)

const (
	nameMax        = 63
	prefixMax      = 253
	annotationsMax = 256 * 1024
)

var (
	namePart  = regexp.MustCompile(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`)
	subdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
)

func nameProblems(name string) []string {
	var out []string
	if name == "" {
		return append(out, "name part is empty")
	}
	if len(name) > nameMax {
		out = append(out, fmt.Sprintf("name part is longer than %d bytes", nameMax))
	}
	if !namePart.MatchString(name) {
		out = append(out, "name part has a character outside [-A-Za-z0-9_.] or does not start and end with [A-Za-z0-9]")
	}
	return out
}

func qualifiedNameProblems(key string) []string {
	parts := strings.Split(key, "/")
	switch len(parts) {
	case 1:
		return nameProblems(parts[0])
	case 2:
		out := nameProblems(parts[1])
		prefix := parts[0]
		if prefix == "" {
			return append(out, "prefix is empty")
		}
		if len(prefix) > prefixMax {
			out = append(out, fmt.Sprintf("prefix is longer than %d bytes", prefixMax))
		}
		if !subdomain.MatchString(prefix) {
			out = append(out, "prefix is not a DNS-1123 subdomain")
		}
		return out
	default:
		return []string{"more than one '/'"}
	}
}

func labelValueProblems(value string) []string {
	if value == "" {
		return []string{}
	}
	return nameProblems(value)
}

type request struct {
	LabelKeys      []string            `json:"labelKeys"`
	LabelValues    []string            `json:"labelValues"`
	AnnotationKeys []string            `json:"annotationKeys"`
	Annotations    []map[string]string `json:"annotations"`
}

type response struct {
	LabelKeys      [][]string `json:"labelKeys"`
	LabelValues    [][]string `json:"labelValues"`
	AnnotationKeys [][]string `json:"annotationKeys"`
	Annotations    []string   `json:"annotations"`
}

func orEmpty(problems []string) []string {
	if problems == nil {
		return []string{}
	}
	return problems
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	res := response{LabelKeys: [][]string{}, LabelValues: [][]string{}, AnnotationKeys: [][]string{}, Annotations: []string{}}
	for _, k := range req.LabelKeys {
		res.LabelKeys = append(res.LabelKeys, orEmpty(qualifiedNameProblems(k)))
	}
	for _, v := range req.LabelValues {
		res.LabelValues = append(res.LabelValues, orEmpty(labelValueProblems(v)))
	}
	for _, k := range req.AnnotationKeys {
		res.AnnotationKeys = append(res.AnnotationKeys, orEmpty(qualifiedNameProblems(strings.ToLower(k))))
	}
	for _, a := range req.Annotations {
		size := 0
		for k, v := range a {
			size += len(k) + len(v)
		}
		problem := ""
		if size > annotationsMax {
			problem = fmt.Sprintf("annotations weigh %d bytes, more than %d", size, annotationsMax)
		}
		res.Annotations = append(res.Annotations, problem)
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
