package warehouse_test

import (
	"testing"
	"testing/fstest"

	"github.com/casewire/casewire/pkg/warehouse"
)

func TestReadCookbookFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    []warehouse.Query
		wantErr bool
	}{
		{
			name:  "title and statement",
			files: fstest.MapFS{"cookbook/01-one.sql": {Data: []byte("-- One thing\n-- why\nSELECT 1;\n")}},
			want:  []warehouse.Query{{Name: "one", Title: "One thing", SQL: "-- why\nSELECT 1"}},
		},
		{
			name: "ordered by number",
			files: fstest.MapFS{
				"cookbook/02-b.sql": {Data: []byte("-- B\nSELECT 2\n")},
				"cookbook/01-a.sql": {Data: []byte("-- A\nSELECT 1\n")},
			},
			want: []warehouse.Query{{Name: "a", Title: "A", SQL: "SELECT 1"}, {Name: "b", Title: "B", SQL: "SELECT 2"}},
		},
		{name: "gap in numbers", files: fstest.MapFS{"cookbook/01-a.sql": {Data: []byte("-- A\nSELECT 1\n")}, "cookbook/03-c.sql": {Data: []byte("-- C\nSELECT 3\n")}}, wantErr: true},
		{name: "no title", files: fstest.MapFS{"cookbook/01-a.sql": {Data: []byte("SELECT 1\n")}}, wantErr: true},
		{name: "unnumbered", files: fstest.MapFS{"cookbook/a.sql": {Data: []byte("-- A\nSELECT 1\n")}}, wantErr: true},
		{name: "two statements", files: fstest.MapFS{"cookbook/01-a.sql": {Data: []byte("-- A\nSELECT 1;\nSELECT 2;\n")}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := warehouse.ReadCookbook(tt.files)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("query %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
