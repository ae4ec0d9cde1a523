/* edx-proctoring's worker for in-house proctoring (the `local` backend's `get_javascript`).
 *
 * The learning MFE (frontend-lib-special-exams) loads this script in a Web Worker and posts it
 * {type, timeout, attemptExternalId}: `startExamAttempt` before the start, `ping` every
 * `ping_interval` seconds during the exam, `endExamAttempt` at the end. A worker cannot use the
 * camera: the learner records in this site's recording window, and the worker answers from the
 * server's view of that recording. The start and each ping succeed while the recording is live
 * (chunks arriving); any other answer fails them, and the MFE ends the exam in edx-proctoring's error
 * flow. The end always succeeds: the recording window uploads what is left by itself.
 *
 * The server fills in STATUS_URL (absolute: the worker runs on the MFE's origin). The request carries
 * no cookie: the attempt's external id names it.
 */
(function (self) {
    'use strict';

    var STATUS_URL = '{status_url}';
    // Each message's answers: [success, failure].
    var ANSWERS = {
        startExamAttempt: ['examAttemptStarted', 'examAttemptStartFailed'],
        ping: ['echo', 'pingFailed'],
        endExamAttempt: ['examAttemptEnded', 'examAttemptEndFailed']
    };
    var RETRY_MS = 2000;

    function statusOf(externalId) {
        var url = STATUS_URL.replace('{external_id}', encodeURIComponent(externalId));
        return self.fetch(url, {credentials: 'omit', cache: 'no-store'}).then(function (response) {
            return response.json().catch(function () { return {}; }).then(function (body) {
                // The server is busy or failing: ask again (a refusal of the recording is a 200 answer).
                if (response.status >= 500 || response.status === 429) { throw new Error('status ' + response.status); }
                return body;
            });
        });
    }

    /* The recording's status, asked again after a network failure until `deadline` (ms since the epoch). */
    function liveStatus(externalId, deadline) {
        return statusOf(externalId).catch(function (error) {
            if (Date.now() + RETRY_MS >= deadline) { throw error; }
            return new Promise(function (resolve) { self.setTimeout(resolve, RETRY_MS); }).then(function () {
                return liveStatus(externalId, deadline);
            });
        });
    }

    self.addEventListener('message', function (event) {
        var data = event.data || {};
        var answers = ANSWERS[data.type];
        if (!answers) { return; }
        if (data.type === 'endExamAttempt') {
            self.postMessage({type: answers[0]});
            return;
        }
        // Keep inside the MFE's own time limit (`timeout` ms; at least a few seconds).
        var deadline = Date.now() + Math.max(3000, (Number(data.timeout) || 5000) - 1000);
        liveStatus(data.attemptExternalId || '', deadline).then(function (body) {
            if (body.recording === 'live') {
                self.postMessage({type: answers[0]});
            } else {
                self.postMessage({type: answers[1], error: body.message || ('recording ' + (body.recording || body.error))});
            }
        }).catch(function (error) {
            self.postMessage({type: answers[1], error: 'The recording status is not reachable: ' + error.message});
        });
    });
}(self));
