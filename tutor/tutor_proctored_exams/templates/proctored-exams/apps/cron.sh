#!/bin/sh
# The periodic tasks of openedx-proctored-exams for a site without celery beat: each management command at
# its interval (the beat schedule's). A command that fails is logged and run again at its next turn.
set -u
cd /openedx/edx-platform
{% for name, schedule, seconds, command in proctored_exams_cron_commands() %}
last_{{ name|replace("-", "_") }}=0
{%- endfor %}
while true; do
    now=$(date +%s)
{%- for name, schedule, seconds, command in proctored_exams_cron_commands() %}
    if [ $((now - last_{{ name|replace("-", "_") }})) -ge {{ seconds }} ]; then
        last_{{ name|replace("-", "_") }}=$now
        ./manage.py lms {{ command }} || echo "proctored-exams-cron: '{{ command }}' failed" >&2
    fi
{%- endfor %}
    # Wake at the start of the next minute, however long the commands took.
    sleep $((60 - $(date +%s) % 60))
done
