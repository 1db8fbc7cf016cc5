from apiflask import APIBlueprint
from sqlalchemy import text

from wallet_server.api.schemas import HealthOut
from wallet_server.web.request import db_session

health_blueprint = APIBlueprint("health", __name__)


@health_blueprint.get("/healthz")
@health_blueprint.output(HealthOut)
@health_blueprint.doc(summary="Liveness and database reachability")
def healthz() -> dict[str, str]:
    db_session().execute(text("SELECT 1"))
    return {"status": "ok", "database": "ok"}
