// The report page: the 印刷 button opens the browser's print dialogue (the print stylesheet
// lays the report out on A4).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) {
    window.print();
  }
});
