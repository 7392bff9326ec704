"""Public pages for tenants at the door: no account, no app, no JavaScript needed."""


def init_app(app) -> None:
    from server.web import cards, console, feedback, stop, verify

    app.register_blueprint(verify.bp)
    app.register_blueprint(cards.bp)
    app.register_blueprint(feedback.bp)  # /f/<code>, and /v/<token>/feedback from the booked answer
    app.register_blueprint(stop.bp)  # /o/<code>, the "stop these messages" link in each tenant message
    console.init_app(app)  # the managers' console under /console/
