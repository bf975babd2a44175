"""The browser and HTTP API front end of klagesag: `create_app` in web/app.py builds it."""
