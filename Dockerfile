# The fakes' image: every service of docker-compose.yml with `build: .` (each product's app, the scheduler, the fake
# providers). drillbit installed with exactly the versions requirements.lock pins, run by a user without
# privileges, and no command of its own: the world file gives each service its command and its health check.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /opt/drillbit

# The dependencies first, in a layer of their own: a change to the code does not install them again.
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" \
        > dependencies.txt \
    && pip install -c requirements.lock -r dependencies.txt

COPY README.md ./
COPY drills ./drills
COPY fakes ./fakes
RUN pip install -c requirements.lock . \
    && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin drillbit

USER drillbit
CMD []
