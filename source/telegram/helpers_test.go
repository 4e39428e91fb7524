package telegram

import (
	"errors"
	"strings"
)

func asProblem(err error, p **Problem) bool { return errors.As(err, p) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
