"""The site: where the apps are put together, above all of them. The API's routers, the home
page's panels, the menu and the demo installation are assembled here, so that no app has to
know the apps above it (docs/architecture.md, "Layers")."""
