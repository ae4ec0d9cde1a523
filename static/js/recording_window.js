/* The recording window of an exam behind edx-proctoring with in-house proctoring (the `local`
 * backend). The learning MFE's Start System Check opens it; the server renders its stage.
 *
 * - Checks (`plan.capture.mode` 'checks'): the capture script takes the photos and the room scan; the
 *   Continue form posts to the server, which makes the attempt ready to start.
 * - Recording (`plan.stage` 'recording', capture mode 'exam'): the capture script records the webcam
 *   (and the screen where the exam asks for it) before and during the exam. This page asks the server
 *   where the attempt and its recording stand every `poll_seconds` (the same answer edx-proctoring's
 *   worker reads for its start and pings), tells the learner what to do next, and once the attempt is
 *   over (submitted in the exam's tab, ended in error) uploads what is left and completes the recordings.
 *   Leaving the page while it records asks for confirmation.
 */
(function (global) {
    'use strict';

    function ProctoredExamRecordingWindow(root, plan) {
        var messages = plan.messages || {};
        var capture = plan.capture ? global.ProctoredExamCapture(root, plan.capture) : null;
        var heading = root.querySelector('.proctored-exam__title');
        if (heading && plan.stage !== 'recording') { heading.focus(); }
        if (plan.stage !== 'recording' || !capture) { return null; }

        var status = root.querySelector('.proctored-exam__window-status');
        var pollMs = Math.max(1, Number(plan.poll_seconds) || 3) * 1000;
        var said = null;
        var over = false;

        function say(key) {
            if (said === key) { return; }
            said = key;
            status.textContent = messages[key] || '';
        }

        function finish() {
            over = true;
            root.setAttribute('data-attempt-over', 'true');
            capture.finish().then(function () {
                root.setAttribute('data-recording-saved', 'true');
                say('done');
            });
        }

        function heard(body) {
            root.setAttribute('data-attempt-status', body.status || '');
            root.setAttribute('data-recording', body.recording || '');
            if (body.recording === 'ended') {
                finish();
            } else if (body.recording === 'stopped') {
                say('stopped');
            } else if (body.recording === 'live') {
                say(body.status === 'started' ? 'started' : 'ready');
            } else {
                say('waiting');
            }
        }

        function poll() {
            global.fetch(plan.status_url, {credentials: 'omit', cache: 'no-store'}).then(function (response) {
                return response.ok ? response.json() : null;
            }).then(function (body) {
                if (body) { heard(body); }
            }).catch(function () {
                /* the network is away: the capture script keeps the chunks and says so */
            }).then(function () {
                if (!over) { global.setTimeout(poll, pollMs); }
            });
        }

        var panel = root.querySelector('.proctored-exam__capture');
        global.addEventListener('beforeunload', function (event) {
            // The capture script reloads the page itself when a stopped recording ended the exam.
            if (!over && panel.getAttribute('data-flag-action') !== 'ended') {
                event.preventDefault();
                event.returnValue = messages.leave || '';
            }
        });
        poll();
        return {finish: finish};
    }

    global.ProctoredExamRecordingWindow = ProctoredExamRecordingWindow;
}(window));
