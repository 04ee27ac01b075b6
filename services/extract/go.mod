module github.com/casewire/casewire/services/extract

go 1.26.0

require github.com/casewire/casewire/pkg v0.0.0

replace github.com/casewire/casewire/pkg => ../../pkg
