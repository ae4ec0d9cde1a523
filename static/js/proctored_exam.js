/* The proctored exam block in the browser: actions, and a countdown that only ever shows the time
 * left that the server returned. Between synchronisations it counts down with the monotonic
 * performance clock, so changing the computer's clock changes nothing. */
(function (global) {
    'use strict';

    function rootOf(element) {
        return element && element.jquery ? element[0] : element;
    }

    function csrfToken() {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        return match ? decodeURIComponent(match[1]) : '';
    }

    function postJSON(url, data) {
        return fetch(url, {
            method: 'POST',
            credentials: 'same-origin',
            headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrfToken()},
            body: JSON.stringify(data || {})
        }).then(function (response) {
            return response.json().catch(function () { return {}; }).then(function (body) {
                if (!response.ok) {
                    var error = new Error(body.message || response.statusText);
                    error.body = body;
                    throw error;
                }
                return body;
            });
        });
    }

    function showError(root, message) {
        var box = root.querySelector('.proctored-exam__error');
        if (box) {
            box.textContent = message;
            box.hidden = !message;
        }
    }

    function formatClock(seconds) {
        var s = Math.max(0, Math.ceil(seconds));
        var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
        var mm = (m < 10 ? '0' : '') + m, ss = (sec < 10 ? '0' : '') + sec;
        return h > 0 ? h + ':' + mm + ':' + ss : mm + ':' + ss;
    }

    // A message an earlier page left for this one (the capture script, when the exam ended).
    var CARRIED_MESSAGE = 'proctored-exam-carried-message';

    function carryMessage(message) {
        try { global.sessionStorage.setItem(CARRIED_MESSAGE, message); } catch (e) { /* shown once, not carried */ }
    }

    function takeCarriedMessage() {
        try {
            var message = global.sessionStorage.getItem(CARRIED_MESSAGE);
            global.sessionStorage.removeItem(CARRIED_MESSAGE);
            return message;
        } catch (e) {
            return null;
        }
    }

    // Set before the page's own reload after a change of state (to the block's key), so that the
    // reloaded page moves the focus to what changed; a plain visit or reload leaves the focus alone.
    var FOCUS_AFTER_RELOAD = 'proctored-exam-focus-after-reload';

    function markStateChange(blockKey) {
        try { global.sessionStorage.setItem(FOCUS_AFTER_RELOAD, blockKey); } catch (e) { /* focus stays put */ }
    }

    function takeStateChange(blockKey) {
        try {
            var marked = global.sessionStorage.getItem(FOCUS_AFTER_RELOAD);
            if (marked !== blockKey) { return false; }
            global.sessionStorage.removeItem(FOCUS_AFTER_RELOAD);
            return true;
        } catch (e) {
            return false;
        }
    }

    /* After a change of state, the focus goes to what the new state brings: in a started exam, the first
     * answer (the clock is announced); otherwise the state's landing element (the result, the exam code,
     * a notice), or the block's heading. Screen readers read what takes the focus. */
    function landOnState(root, state, messages) {
        var content = root.querySelector('.proctored-exam__content');
        var target = state === 'started' && content ?
            content.querySelector('input:not([type="hidden"]):not([disabled]), textarea, select') : null;
        target = target || root.querySelector('[data-landing]') || root.querySelector('.proctored-exam__title');
        if (!target.matches('input, textarea, select, button, a[href]') && !target.hasAttribute('tabindex')) {
            target.setAttribute('tabindex', '-1');
        }
        target.focus();
        var clock = root.querySelector('.proctored-exam__clock');
        var announcement = root.querySelector('.proctored-exam__announcement');
        if (state === 'started' && clock && announcement) {
            // Said once the focus change has been read: the live region is already in the page.
            global.setTimeout(function () {
                announcement.textContent = messages.started.replace('{time}', clock.textContent);
            }, 150);
        }
    }

    /* While the exam runs, its timer bar sticks below the host page's own fixed or sticky header (the
     * clock and End My Exam stay in sight), and a field that takes the focus is scrolled out from under
     * the bar (WCAG 2.2: focus not obscured). */
    function keepTimerInSight(root) {
        var bar = root.querySelector('.proctored-exam__timer-bar');
        if (!bar) { return; }
        var scheduled = false;

        // The bottom of the host's headers stuck at the top of the window, one below the other. What is
        // fixed and a third of the window tall or more is no header (a background, a side panel, an overlay).
        function hostHeaderBottom() {
            var box = root.getBoundingClientRect();
            var x = Math.min(Math.max(box.left + box.width / 2, 0), global.innerWidth - 1);
            var bottom = 0;
            for (var stacked = 0; stacked < 5; stacked += 1) {
                var below = bottom;
                document.elementsFromPoint(x, bottom).forEach(function (element) {
                    if (root.contains(element)) { return; }
                    var position = global.getComputedStyle(element).position;
                    var rect = element.getBoundingClientRect();
                    if ((position === 'fixed' || position === 'sticky') && rect.height < global.innerHeight / 3) {
                        below = Math.max(below, rect.bottom);
                    }
                });
                if (below <= bottom) { break; }
                bottom = below;
            }
            return bottom;
        }

        function place() {
            scheduled = false;
            bar.style.top = hostHeaderBottom() + 'px';
        }

        function schedule() {
            if (!scheduled) {
                scheduled = true;
                global.requestAnimationFrame(place);
            }
        }

        place();
        global.addEventListener('scroll', schedule, {passive: true});
        global.addEventListener('resize', schedule);
        root.addEventListener('focusin', function (event) {
            if (bar.contains(event.target)) { return; }
            // After the browser's own scrolling to the focused field.
            global.requestAnimationFrame(function () {
                var covered = bar.getBoundingClientRect().bottom + 8 - event.target.getBoundingClientRect().top;
                if (covered > 0) { global.scrollBy(0, -covered); }
            });
        });
    }

    /* `hooks.timeUp()` runs once when the clock reaches 00:00, `hooks.beforeLeave()` (a promise) before
     * the page reloads because the attempt is no longer running, `hooks.reload()` reloads it. */
    function ExamTimer(root, config, messages, hooks) {
        hooks = hooks || {};
        var clock = root.querySelector('.proctored-exam__clock');
        var warning = root.querySelector('.proctored-exam__warning');
        var storageKey = 'proctored-exam-warnings-' + config.attempt;
        var remaining = config.remaining_seconds;
        var syncedAt = performance.now();
        var syncing = false;
        var finished = false;
        var shown = {};
        try { shown = JSON.parse(global.sessionStorage.getItem(storageKey) || '{}'); } catch (e) { shown = {}; }

        function secondsLeft() {
            return Math.max(0, remaining - (performance.now() - syncedAt) / 1000);
        }

        function display(level) {
            warning.textContent = messages[level];
            warning.setAttribute('data-level', level);
            root.setAttribute('data-warning', level);
        }

        function warn(level) {
            if (shown[level]) { return; }
            shown[level] = true;
            if (level === 'critical') { shown.low = true; }
            try { global.sessionStorage.setItem(storageKey, JSON.stringify(shown)); } catch (e) { /* private mode */ }
            warning.setAttribute('aria-live', 'assertive');  // a new warning is always announced
            display(level);
        }

        // After a reload, show a warning already announced again, but without announcing it twice.
        var announced = shown.critical ? 'critical' : (shown.low ? 'low' : null);
        if (announced) {
            warning.setAttribute('aria-live', 'off');
            display(announced);
            // Live again only once a frame has rendered it: a bare timeout can run before the first
            // frame, and the warning would then be announced again after all.
            global.requestAnimationFrame(function () {
                global.setTimeout(function () { warning.setAttribute('aria-live', 'assertive'); }, 0);
            });
        }

        function render() {
            var left = secondsLeft();
            clock.textContent = formatClock(left);
            clock.setAttribute('data-seconds', Math.ceil(left));
            if (left <= config.critical_warning_seconds) {
                warn('critical');
            } else if (left <= config.low_warning_seconds) {
                warn('low');
            }
            if (left <= 0 && !finished) {
                finished = true;
                warning.textContent = messages.ended;
                if (hooks.timeUp) { hooks.timeUp(); }
                sync();
            }
        }

        function sync() {
            if (syncing) { return; }
            syncing = true;
            var sentAt = performance.now();
            fetch(config.url, {headers: {'X-Exam-Timer-Token': config.token}, credentials: 'same-origin',
                               cache: 'no-store'})
                .then(function (response) {
                    if (response.status === 403 || response.status === 404) {
                        // This attempt is no longer the learner's current one (reset, or another
                        // session): the page itself is out of date, not the network.
                        return {status: 'gone'};
                    }
                    if (!response.ok) { throw new Error(response.statusText); }
                    return response.json();
                })
                .then(function (status) {
                    syncing = false;
                    if (status.status !== 'started') {
                        Promise.resolve(hooks.beforeLeave && hooks.beforeLeave()).then(function () {
                            (hooks.reload || function () { global.location.reload(); })();
                        });
                        return;
                    }
                    remaining = status.remaining_seconds;
                    // The server read its clock about halfway through the round trip: a slow answer must
                    // not leave the page behind the server by the answer's delay.
                    syncedAt = (sentAt + performance.now()) / 2;
                    if (remaining > 0) { finished = false; }
                    root.removeAttribute('data-offline');
                    // Reconnected: the network error is over (an action's error stays).
                    var box = root.querySelector('.proctored-exam__error');
                    if (box && box.textContent === messages.network) { showError(root, ''); }
                    render();
                })
                .catch(function () {
                    syncing = false;
                    root.setAttribute('data-offline', 'true');
                    showError(root, messages.network);
                    if (finished) { global.setTimeout(sync, 2000); }
                });
        }

        render();
        // The time left in the page was computed when the server rendered it; everything until this
        // block's JS runs (loading the page's assets, or a runtime that initialises blocks later) would
        // otherwise be added to the learner's clock until the first periodic sync. Re-read it now.
        sync();
        global.setInterval(render, 250);
        global.setInterval(sync, Math.max(5, config.sync_seconds) * 1000);
        // Browsers throttle timers in hidden tabs: re-read the server's time on return.
        document.addEventListener('visibilitychange', function () {
            if (document.visibilityState === 'visible') { sync(); }
        });
        global.addEventListener('focus', sync);
        return {sync: sync, secondsLeft: secondsLeft};
    }

    function ProctoredExamBlock(runtime, element, init) {
        var root = rootOf(element).querySelector('.proctored-exam') || rootOf(element);
        // The block's own handler URL tells this block's change of state from another block's on the page.
        var blockKey = init.handlers.start;
        var busy = false;
        var capture = null;
        // While the exam runs, leaving the page by mistake (closing the tab, a link, the back button) asks
        // first; the page's own reloads after a change of state do not.
        var reloading = false;
        function reload() {
            reloading = true;
            markStateChange(blockKey);
            global.location.reload();
        }
        if (init.capture && global.ProctoredExamCapture) {
            init.capture.mode = init.state === 'started' ? 'exam' : 'checks';
            init.capture.reload = reload;
            capture = global.ProctoredExamCapture(root, init.capture);
        }
        var carried = takeCarriedMessage();
        if (carried) { showError(root, carried); }
        if (init.state === 'started') {
            global.addEventListener('beforeunload', function (event) {
                if (reloading) { return undefined; }
                event.preventDefault();
                event.returnValue = '';  // older browsers ask only when a value is set
                return '';
            });
        }

        function act(action, data, button) {
            if (busy) { return; }
            busy = true;
            if (button) { button.disabled = true; }
            showError(root, '');
            // The recordings are uploaded and completed before the exam is submitted.
            var before = capture && action === 'submit' ? capture.finish() : Promise.resolve();
            before.then(function () {
                return postJSON(init.handlers[action], data);
            }).then(reload).catch(function (error) {
                if (error.body && error.body.error === 'terms_changed') {
                    // The terms changed while the page was open: show the new ones, with the reason.
                    carryMessage(error.message);
                    reload();
                    return;
                }
                busy = false;
                if (button) { button.disabled = false; }
                // A failed request has no answer from the server: say so in the learner's language.
                showError(root, error.body ? error.message : init.messages.network_action);
            });
        }

        root.querySelectorAll('button[data-action]').forEach(function (button) {
            button.addEventListener('click', function () {
                var question = button.getAttribute('data-confirm');
                if (question && !global.confirm(question)) { return; }
                // Agreeing to the terms, or refusing them, names the version the learner read.
                var version = button.getAttribute('data-terms-version');
                act(button.getAttribute('data-action'), version ? {terms_version: version} : {}, button);
            });
        });

        var checks = root.querySelector('form[data-action="confirm_checks"]');
        if (checks) {
            checks.addEventListener('submit', function (event) {
                event.preventDefault();
                var code = checks.querySelector('[name="exam_code"]');
                var password = checks.querySelector('[name="monitor_password"]');
                act('confirm_checks', {exam_code: code ? code.value : '', monitor_password: password ? password.value : ''},
                    checks.querySelector('button[type="submit"]'));
            });
        }

        // Nominating an exam monitor sends who they are and the conditions they meet.
        var nomination = root.querySelector('form[data-action="nominate"]');
        if (nomination) {
            nomination.addEventListener('submit', function (event) {
                event.preventDefault();
                var data = {declarations: [], whole_course: nomination.elements.whole_course.checked};
                ['name', 'email', 'phone', 'occupation'].forEach(function (name) {
                    data[name] = nomination.elements[name].value;
                });
                nomination.querySelectorAll('input[name="declaration"]:checked').forEach(function (input) {
                    data.declarations.push(input.value);
                });
                act('nominate', data, nomination.querySelector('button[type="submit"]'));
            });
        }

        // Booking or moving a sitting names the one chosen.
        root.querySelectorAll('form[data-action="book"]').forEach(function (form) {
            form.addEventListener('submit', function (event) {
                event.preventDefault();
                var chosen = form.querySelector('input[name="sitting"]:checked');
                if (!chosen) {
                    showError(root, init.messages.choose_sitting);
                    form.querySelector('input[name="sitting"]').focus();
                    return;
                }
                act('book', {sitting: chosen.value}, form.querySelector('button[type="submit"]'));
            });
        });

        if (init.timer) {
            root.examTimer = new ExamTimer(root, init.timer, init.messages, capture ? {
                timeUp: capture.finish, beforeLeave: capture.finish, reload: reload
            } : {reload: reload});
        }
        if (init.timer) { keepTimerInSight(root); }
        if (takeStateChange(blockKey)) { landOnState(root, init.state, init.messages); }
    }

    function ProctoredExamStudio(runtime, element, init) {
        var root = rootOf(element);
        var form = root.querySelector('form');
        var ruleSets = root.querySelectorAll('.proctored-exam-studio__rules');
        // Only the chosen provider's binary rules are offered (and sent).
        function showProviderRules() {
            Array.prototype.forEach.call(ruleSets, function (fieldset) {
                fieldset.hidden = fieldset.getAttribute('data-provider') !== form.elements.provider.value;
            });
        }
        function chosenRules() {
            var rules = {};
            Array.prototype.forEach.call(ruleSets, function (fieldset) {
                if (fieldset.hidden) { return; }
                Array.prototype.forEach.call(fieldset.querySelectorAll('input[data-rule]'), function (input) {
                    rules[input.getAttribute('data-rule')] = input.checked;
                });
            });
            return rules;
        }
        form.elements.provider.addEventListener('change', showProviderRules);
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            var data = {
                display_name: form.elements.display_name.value,
                exam_type: form.elements.exam_type.value,
                time_limit_minutes: form.elements.time_limit_minutes.value,
                provider: form.elements.provider.value,
                allow_opt_out: form.elements.allow_opt_out.checked,
                on_campus_sitting: form.elements.on_campus_sitting.checked,
                on_campus_instructions: form.elements.on_campus_instructions.value,
                content_after_submission: form.elements.content_after_submission.checked,
                rules_text: form.elements.rules_text.value,
                exam_rules: chosenRules(),
                opens_at: form.elements.opens_at.value,
                closes_at: form.elements.closes_at.value,
                time_zone: form.elements.time_zone.value,
                booking_required: form.elements.booking_required.checked,
                booking_cutoff_hours: form.elements.booking_cutoff_hours.value,
                booking_deadline: form.elements.booking_deadline.value,
                sitting_early_minutes: form.elements.sitting_early_minutes.value,
                sitting_late_minutes: form.elements.sitting_late_minutes.value
            };
            if (runtime.notify) { runtime.notify('save', {state: 'start'}); }
            postJSON(init.submit, data).then(function () {
                showError(root, '');
                if (runtime.notify) { runtime.notify('save', {state: 'end'}); }
            }).catch(function (error) {
                var fields = (error.body && error.body.fields) || {};
                var details = [];
                Array.prototype.forEach.call(form.elements, function (input) {
                    var invalid = Object.prototype.hasOwnProperty.call(fields, input.name);
                    input.setAttribute('aria-invalid', invalid ? 'true' : 'false');
                    if (invalid) {
                        var label = form.querySelector('label[for="' + input.id + '"]');
                        details.push((label ? label.textContent.trim() + ': ' : '') + fields[input.name]);
                    }
                });
                showError(root, [error.message].concat(details).join(' '));
                if (runtime.notify) { runtime.notify('error', {title: error.message, message: details.join(' ')}); }
            });
        });
        var cancel = root.querySelector('[data-action="cancel"]');
        if (cancel) {
            cancel.addEventListener('click', function () {
                if (runtime.notify) { runtime.notify('cancel', {}); }
            });
        }
    }

    global.ProctoredExamBlock = ProctoredExamBlock;
    global.ProctoredExamStudio = ProctoredExamStudio;
}(window));
