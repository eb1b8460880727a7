package state

// Notifier wakes whoever waits for new deliveries (the delivery worker)
// when a ticket with a pending delivery commits. Create it before the
// ticket store and the worker and give it to both; a nil *Notifier
// notifies nobody. Safe for concurrent use.
type Notifier struct{ c chan struct{} }

// NewNotifier returns a Notifier whose signals coalesce: a waiter that is
// busy sees one signal however many tickets committed meanwhile.
func NewNotifier() *Notifier { return &Notifier{c: make(chan struct{}, 1)} }

// Notify signals the waiter; it never blocks.
func (n *Notifier) Notify() {
	if n == nil {
		return
	}
	select {
	case n.c <- struct{}{}:
	default:
	}
}

// C is the channel a waiter receives signals on; nil for a nil Notifier
// (a receive from it blocks forever, so the waiter falls back to polling).
func (n *Notifier) C() <-chan struct{} {
	if n == nil {
		return nil
	}
	return n.c
}
