/* The browser's time zone, so the server shows dates in local time (UTC without it).
   A file of its own, not inline: the Content-Security-Policy allows scripts from
   this site only (webui/headers.py). */
(function () {
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + zone) < 0) {
      document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) {}
})();
