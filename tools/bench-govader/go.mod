module github.com/calmdesk/calmdesk/tools/bench-govader

go 1.26.8

require (
	github.com/calmdesk/calmdesk v0.0.0
	github.com/jonreiter/govader v0.0.0-20250429093935-f6505c8d03cc
)

require gonum.org/v1/gonum v0.8.2 // indirect

replace github.com/calmdesk/calmdesk => ../..
