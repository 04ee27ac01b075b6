// Command casewire is the operator's tool: it runs the whole pipeline in one
// process on a single node (`casewire run`), applies the schema, and answers
// questions about a running pipeline.
package main

import (
	"os"

	"github.com/casewire/casewire/pkg/process"
)

func main() {
	os.Exit(process.Main(rootCommand()))
}
