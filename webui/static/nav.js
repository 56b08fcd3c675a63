// On a phone the main menu is one row that scrolls sideways (dealflow.css): bring the
// current section's link into view, so the reader sees where they are without scrolling it.
document.addEventListener("DOMContentLoaded", () => {
  const nav = document.querySelector(".top .nav");
  const current = nav && nav.querySelector('[aria-current="page"]');
  if (!current || nav.scrollWidth <= nav.clientWidth) return;
  nav.scrollLeft = current.offsetLeft - nav.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
});
