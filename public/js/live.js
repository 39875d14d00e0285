// Live updates over Server-Sent Events from GET /events/stream.
//
// The browser's EventSource reconnects by itself and sends Last-Event-ID (the
// global position of the last event it got), so the server resumes exactly
// where it left off. When the server refuses a connection outright (a 4xx),
// EventSource gives up; then the page re-reads its data and opens a fresh
// stream from where that data stands.

/**
 * openLiveStream({ orderId?, staffToken?, lastEventId?, onEvent, onState, onClosed })
 * onState gets 'connecting' | 'live' | 'reconnecting' | 'offline'.
 * Returns { close(), get lastEventId() }.
 */
export function openLiveStream(options) {
  const params = new URLSearchParams();
  if (options.orderId) params.set('orderId', options.orderId);
  // EventSource can not send an Authorization header, so the staff token goes in the query for this one route.
  if (options.staffToken) params.set('token', options.staffToken);
  if (options.lastEventId !== undefined && options.lastEventId !== null) params.set('lastEventId', String(options.lastEventId));

  let lastEventId = options.lastEventId ?? null;
  const source = new EventSource(`/events/stream?${params}`);
  const state = (value) => options.onState?.(value);
  state('connecting');

  source.addEventListener('open', () => state('live'));
  source.addEventListener('message', (message) => {
    lastEventId = message.lastEventId || lastEventId;
    let event;
    try {
      event = JSON.parse(message.data);
    } catch {
      return;
    }
    options.onEvent(event);
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      state('offline');
      options.onClosed?.(lastEventId);
    } else {
      state('reconnecting');
    }
  });

  return {
    close: () => source.close(),
    get lastEventId() {
      return lastEventId;
    },
    /** Resolves once the server has subscribed this stream (its headers arrived). */
    opened: new Promise((resolve) => {
      if (source.readyState === EventSource.OPEN) resolve();
      else source.addEventListener('open', () => resolve(), { once: true });
    }),
  };
}

/** Keeps a visible "Live" / "Reconnecting…" indicator in step with a stream. */
export function liveIndicator(element) {
  const labels = {
    connecting: 'Connecting…',
    live: 'Live updates on',
    reconnecting: 'Reconnecting…',
    offline: 'Live updates paused: retrying',
  };
  return (state) => {
    element.dataset.state = state;
    element.textContent = labels[state] ?? state;
  };
}
