package interact

// Log keys.
const (
	keyUser     = "user"
	keyChannel  = "channel"
	keyAction   = "action"
	keyCommand  = "command"
	keyKind     = "kind"
	keyName     = "name"
	keyUntil    = "until"
	keyAlert    = "alert"
	keyVerdict  = "verdict"
	keyError    = "error"
	keyRequest  = "request"
	keyPrevious = "previous"
	keyConnects = "connects"
)
