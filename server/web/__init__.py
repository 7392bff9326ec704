"""Public pages for tenants at the door: no account, no app, no JavaScript needed."""


def init_app(app) -> None:
    from server.web import cards, verify

    app.register_blueprint(verify.bp)
    app.register_blueprint(cards.bp)
