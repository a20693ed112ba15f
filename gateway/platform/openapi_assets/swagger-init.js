// Starts Swagger UI on seva's API page (/schema/swagger). Served as a file, so that the page needs no
// inline script under seva's Content-Security-Policy; the page names the OpenAPI document in data-spec.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: document.body.dataset.spec,
    dom_id: "#swagger-container",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
});
