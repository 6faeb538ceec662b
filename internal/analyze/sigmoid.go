package analyze

import "math"

// sigmoid is 1/(1+e^-x) in float32 arithmetic, accurate to about 1e-6:
// a Reading takes a few hundred of them (every label's probability, for
// every sentence), and math.Exp in float64 was a tenth of its time.
func sigmoid(x float32) float32 {
	switch {
	case x > 30:
		return 1
	case x < -30:
		return 0
	}
	return 1 / (1 + exp32(-x))
}

// exp32 is e^x for |x| <= 30: 2^(x·log2 e) split into 2^n, set in the
// exponent bits, and 2^f for f in [-0.5, 0.5] by a degree-6 polynomial.
func exp32(x float32) float32 {
	t := x * math.Log2E
	// Round to nearest by truncation (math.Floor is a call on amd64 v1).
	var n int32
	if t >= 0 {
		n = int32(t + 0.5)
	} else {
		n = int32(t - 0.5)
	}
	f := t - float32(n)
	// Taylor series of 2^f = e^(f ln 2); |f| <= 0.5 keeps the error below 1e-7.
	const l = math.Ln2
	p := 1 + f*(l+f*(l*l/2+f*(l*l*l/6+f*(l*l*l*l/24+f*(l*l*l*l*l/120+f*l*l*l*l*l*l/720)))))
	return p * math.Float32frombits(uint32(n+127)<<23)
}
