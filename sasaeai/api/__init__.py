"""The API kit every app's `api.py` shares: bounded pagination and id/time types
(`pagination`), the request parser that refuses NUL characters (`parser`) and validation errors
in Japanese (`errors`). It knows no app: the routers are assembled in `sasaeai.site.api`."""
