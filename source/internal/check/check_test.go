package check

import (
	"errors"
	"testing"
)

func TestListGathersEveryProblemForErrorsAs(t *testing.T) {
	var l List
	if l.Err() != nil {
		t.Fatal("got an error from an empty list")
	}
	l.Add("items", "missing")
	l.Add("", "whole block")
	err := l.Err()
	if got, want := err.Error(), "items: missing\nwhole block"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	var p *Problem
	if !errors.As(err, &p) || p.Key != "items" {
		t.Errorf("errors.As found %+v", p)
	}
	if all := All(err); len(all) != 2 || all[1].Msg != "whole block" {
		t.Errorf("All gave %+v", all)
	}
	if all := All(&Problem{Key: "k", Msg: "m"}); len(all) != 1 {
		t.Errorf("All of one problem gave %+v", all)
	}
	if All(errors.New("other")) != nil {
		t.Error("All found problems in an unrelated error")
	}
}
