package warehouse

// ColumnLists exposes the writer's INSERT column lists to the tests.
func ColumnLists() map[string][]string {
	return map[string][]string{
		"articles":  articleColumns,
		"facts":     factColumns,
		"entities":  entityColumns,
		"divisions": divisionColumns,
	}
}

// ReadCookbook exposes readCookbook to the tests.
var ReadCookbook = readCookbook
