module github.com/calmdesk/calmdesk

go 1.26.8

require github.com/urfave/cli/v3 v3.14.0

require go.yaml.in/yaml/v3 v3.0.6 // indirect
