package config

import (
	"testing"
	"time"
)

func TestParseDurationTakesGoSyntaxAndDays(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true},
		{"0s", 0, true},
		{"30s", 30 * time.Second, true},
		{"1h30m", 90 * time.Minute, true},
		{"90d", 90 * 24 * time.Hour, true},
		{"1d12h", 36 * time.Hour, true},
		{"0.5d", 12 * time.Hour, true},
		{"1.5h", 90 * time.Minute, true},
		{"2d3h4m5s", 51*time.Hour + 4*time.Minute + 5*time.Second, true},
		{"10", 0, false},
		{"", 0, false},
		{"-1d", 0, false},
		{"d", 0, false},
		{"1 d", 0, false},
		{"90days", 0, false},
		{"1w", 0, false},
		{".d", 0, false},
		{"1.2.3s", 0, false},
		{"200000000d", 0, false},
		{"100000d100000d", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseSizeTakesBinaryAndDecimalUnits(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1048576", 1 << 20, true},
		{"512B", 512, true},
		{"10MiB", 10 << 20, true},
		{"10 MiB", 10 << 20, true},
		{"64KiB", 64 << 10, true},
		{"1GiB", 1 << 30, true},
		{"1.5MiB", 3 << 19, true},
		{"10MB", 10_000_000, true},
		{"2KB", 2000, true},
		{"1GB", 1_000_000_000, true},
		{"10mb", 0, false},
		{"10M", 0, false},
		{"MiB", 0, false},
		{"", 0, false},
		{"-1MiB", 0, false},
		{"99999999999GiB", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseSize(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
