// Command go-template renders an External Secrets Operator template (engine v2) with Go's own text/template, so the
// tests judge our templates with the engine the operator runs instead of a re-implementation.
//
// Input on stdin: {"template": "...", "data": {"username": "...", ...}, "left": "{{", "right": "}}"} (the delimiters
// are optional, as ESO's --template-left-delimiter and --template-right-delimiter). The rendered bytes go to stdout,
// unchanged; a parse or execute error goes to stderr with exit status 1. With {"batch": [request, ...]} every request
// is rendered and stdout is a JSON array of {"out": "..."} or {"error": "..."}, one per request.
//
// It mirrors execute() in external-secrets/external-secrets pkg/template/v2/template.go: the template is parsed with
// Option("missingkey=error") and the FuncMap (Sprig's TxtFuncMap, without env and expandenv, plus ESO's own), and
// executed on a map[string]string, because ESO converts every secret value from []byte to string before it renders.
// Only the standard library is available here (no network, no modules), so the FuncMap holds just the Sprig
// functions our templates use, with Masterminds/sprig v3's definitions: toJson (defaults.go), b64enc (base64encode)
// and trimPrefix (genericMap in functions.go). A template that calls any other function fails to parse here, and the
// test fails with it.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"
)

// funcs holds Sprig's definitions, as ESO registers them (sprig.TxtFuncMap()).
var funcs = template.FuncMap{
	// sprig defaults.go: toJson encodes an item into a JSON string
	"toJson": func(v interface{}) string {
		output, _ := json.Marshal(v)
		return string(output)
	},
	// sprig base64encode: padded standard base64
	"b64enc": func(v string) string {
		return base64.StdEncoding.EncodeToString([]byte(v))
	},
	// sprig functions.go: the prefix comes first, so that `.x | trimPrefix "p"` works
	"trimPrefix": func(a, b string) string { return strings.TrimPrefix(b, a) },
}

type input struct {
	Template *string           `json:"template"`
	Data     map[string]string `json:"data"`
	Left     string            `json:"left"`
	Right    string            `json:"right"`
	Batch    []input           `json:"batch"`
}

type output struct {
	Out   *string `json:"out,omitempty"`
	Error *string `json:"error,omitempty"`
}

func render(req input) ([]byte, error) {
	if req.Template == nil || req.Data == nil {
		return nil, fmt.Errorf("the request must have a 'template' string and a 'data' object of strings")
	}
	// as ESO's execute(): Delims with empty strings keeps Go's defaults
	t, err := template.New("template").Option("missingkey=error").Funcs(funcs).Delims(req.Left, req.Right).Parse(*req.Template)
	if err != nil {
		return nil, fmt.Errorf("unable to parse template: %w", err)
	}
	buf := bytes.NewBuffer(nil)
	if err := t.Execute(buf, req.Data); err != nil {
		return nil, fmt.Errorf("unable to execute template: %w", err)
	}
	return buf.Bytes(), nil
}

func main() {
	var req input
	decoder := json.NewDecoder(os.Stdin)
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "cannot read the request:", err)
		os.Exit(1)
	}
	if req.Batch != nil {
		outs := make([]output, len(req.Batch))
		for i, r := range req.Batch {
			if b, err := render(r); err != nil {
				msg := err.Error()
				outs[i].Error = &msg
			} else {
				text := string(b)
				outs[i].Out = &text
			}
		}
		if err := json.NewEncoder(os.Stdout).Encode(outs); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	out, err := render(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if _, err := os.Stdout.Write(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
