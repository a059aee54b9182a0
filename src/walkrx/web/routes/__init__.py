"""One router per resource: auth, the walker's pages, uploads, the JSON API, the clinician's."""
