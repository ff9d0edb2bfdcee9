/* One page view for the sidecar's counter (POST /api/views): the path and the
 * referring site, nothing else. The sidecar sets and reads no cookie, stores no
 * address, and counts a reader once per page per day through a digest that is
 * forgotten with the day. Readers who ask not to be tracked are not counted. */
(() => {
  "use strict";
  if (navigator.doNotTrack === "1" || !navigator.sendBeacon) return;
  const view = JSON.stringify({ path: location.pathname, referrer: document.referrer });
  navigator.sendBeacon("/api/views", new Blob([view], { type: "application/json" }));
})();
