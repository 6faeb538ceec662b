package analyze

import (
	"runtime"
	"sync"
)

// binaryProblem is one yes/no question over sparse examples, solved by
// dual coordinate descent for the L2-regularised squared-hinge SVM (the
// method of LIBLINEAR's solver 1, Hsieh et al. 2008). It is deterministic:
// the visiting order comes from a fixed-seed generator.
type binaryProblem struct {
	x          [][]sparseFeature
	dim        int     // weights; the bias is kept apart
	cPos, cNeg float64 // misclassification costs
	epochs     int
	seed       uint64
	// weight, when set, multiplies each example's cost (nil: 1 each).
	weight []float32
}

// solve returns the weights (length dim) and the bias for labels y.
func (p *binaryProblem) solve(y []bool, qii []float32) ([]float32, float32) {
	w := make([]float32, p.dim)
	var bias float64
	n := len(p.x)
	alpha := make([]float64, n)
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	dPos, dNeg := 1/(2*p.cPos), 1/(2*p.cNeg)
	rng := p.seed | 1
	for epoch := 0; epoch < p.epochs; epoch++ {
		for i := n - 1; i > 0; i-- {
			rng ^= rng << 13
			rng ^= rng >> 7
			rng ^= rng << 17
			j := int(rng % uint64(i+1))
			order[i], order[j] = order[j], order[i]
		}
		pgMax, pgMin := -1e30, 1e30
		for _, ii := range order {
			i := int(ii)
			yi, d := 1.0, dPos
			if !y[i] {
				yi, d = -1, dNeg
			}
			if p.weight != nil {
				d /= float64(p.weight[i])
			}
			dot := bias
			for _, f := range p.x[i] {
				dot += float64(w[f.Index]) * float64(f.Value)
			}
			g := yi*dot - 1 + d*alpha[i]
			pg := g
			if alpha[i] == 0 && g > 0 {
				pg = 0
			}
			pgMax, pgMin = max(pgMax, pg), min(pgMin, pg)
			if pg == 0 {
				continue
			}
			old := alpha[i]
			alpha[i] = max(old-g/(float64(qii[i])+1+d), 0)
			delta := (alpha[i] - old) * yi
			if delta == 0 {
				continue
			}
			for _, f := range p.x[i] {
				w[f.Index] += float32(delta * float64(f.Value))
			}
			bias += delta
		}
		if pgMax-pgMin < 0.05 {
			break
		}
	}
	return w, float32(bias)
}

// squaredNorms returns x·x for each example.
func squaredNorms(x [][]sparseFeature) []float32 {
	q := make([]float32, len(x))
	for i, xi := range x {
		var s float32
		for _, f := range xi {
			s += f.Value * f.Value
		}
		q[i] = s
	}
	return q
}

// parallel runs f(0..n-1) on all cores; each call must write only its own
// results, so the outcome does not depend on scheduling.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
