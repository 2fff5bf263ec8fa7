FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=ebank.settings.production
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir --upgrade pip && pip install --no-cache-dir -e .
COPY . .
RUN useradd --system --uid 1000 ebank && mkdir -p /app/staticfiles /app/media && chown -R ebank /app
USER ebank
EXPOSE 8000
CMD ["gunicorn", "ebank.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
