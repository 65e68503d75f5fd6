// jsdom lacks the layout APIs the viewer binds to; a do-nothing ResizeObserver is enough for
// tests that do not measure.
if (!("ResizeObserver" in globalThis)) {
  class ResizeObserverStub {
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  (globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver = ResizeObserverStub;
}
