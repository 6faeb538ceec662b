package analyze_test

import (
	"fmt"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

func ExampleRead() {
	r, err := analyze.Read("Charged twice for order 4471, third time I write, fix it NOW")
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Level, r.Angry, r.Complaint)
	for _, s := range r.Signals {
		fmt.Println(s.Kind, s.Text)
	}
	for _, c := range r.Concerns {
		fmt.Println(c.Kind+":", c.Paraphrase)
	}
	// Output:
	// angry true true
	// repeat_contact third time
	// problem: you were charged twice for order 4471
	// problem: this is the third time you write
	// request: you want us to fix it now
}
