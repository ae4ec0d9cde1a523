/* Recording in the learner's browser, for exams whose recordings stay on the site (the `local`
 * provider). Loaded only for those exams, before proctored_exam.js, which calls
 * `ProctoredExamCapture(root, plan)` on the checks page and on the running exam.
 *
 * - Checks page (the terms were agreed to when the learner opted in): a photo
 *   of the learner and one of their photo ID are taken from the webcam (take, retake, use), then,
 *   where the exam asks for it, a room scan clip is recorded; each step opens the next one and moves
 *   the focus there.
 * - Running exam: a MediaRecorder on the webcam (and on the screen where the exam requires it)
 *   cuts the recording into chunks every `timeslice_seconds`; an `UploadQueue` per recording sends
 *   them in order, one at a time, retrying with backoff while the network is away, and keeps each one
 *   in IndexedDB until the server has it (a reload or a closed tab sends the rest first). Stopping the camera
 *   or the screen sharing, or a recorder that stops, is reported to the server (flags), whose answer
 *   the learner hears in the live region.
 * - End My Exam and time up: `finish()` stops the recorders, waits for the queues to drain (at most
 *   `flush_seconds`) and marks each recording complete.
 * - Screen recording window: where the page may not capture the screen (the learning MFE shows units
 *   in an iframe whose `allow` list has the camera but not `display-capture`), the exam page opens a
 *   window of its own on the same origin (`plan.screen_window_url`, mode `screen_window`) that
 *   records the screen; the two talk over a BroadcastChannel named after the attempt.
 */
(function (global) {
    'use strict';

    var MIME_TYPES = ['video/webm;codecs=vp8', 'video/webm;codecs=vp9', 'video/webm'];
    // A stream with the microphone's sound: the same, with Opus for the sound.
    var MIME_TYPES_WITH_SOUND = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp9,opus', 'video/webm'];
    var MAX_BACKOFF_MS = 30000;
    // A recorder's first data can be a few bytes of its header: chunks are at least this big (but the
    // last one), so the server always sees a whole header at the start of a file.
    var MIN_CHUNK_BYTES = 1024;
    // Where a message for the next page waits (read by proctored_exam.js on the result page).
    var CARRIED_MESSAGE = 'proctored-exam-carried-message';

    function csrfToken() {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        return match ? decodeURIComponent(match[1]) : '';
    }

    function fill(template, values) {
        return template.replace(/\{(\w+)\}/g, function (whole, name) {
            return Object.prototype.hasOwnProperty.call(values, name) ? encodeURIComponent(values[name]) : whole;
        });
    }

    /* A request to the capture API: resolves with {status, body}; rejects only when the network fails. */
    function send(method, url, body, contentType) {
        var headers = {'X-CSRFToken': csrfToken()};
        if (contentType) { headers['Content-Type'] = contentType; }
        return fetch(url, {method: method, credentials: 'same-origin', headers: headers, body: body,
                           cache: 'no-store'})
            .then(function (response) {
                return response.json().catch(function () { return {}; }).then(function (data) {
                    return {status: response.status, ok: response.ok, body: data};
                });
            });
    }

    function postJSON(url, data) {
        return send('POST', url, JSON.stringify(data || {}), 'application/json');
    }

    /* `text` with each {name} replaced by `values[name]` (a translated message's placeholders). */
    function format(text, values) {
        return String(text || '').replace(/\{(\w+)\}/g, function (whole, name) {
            return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
        });
    }

    /* The first recorder type this browser supports among those the server accepts (`accepted`). */
    function supportedMimeType(accepted, withSound) {
        if (!global.MediaRecorder) { return null; }
        var types = withSound ? MIME_TYPES_WITH_SOUND : MIME_TYPES;
        for (var i = 0; i < types.length; i += 1) {
            var type = types[i];
            var allowed = !accepted || !accepted.length || accepted.indexOf(type.split(';')[0]) >= 0;
            if (allowed && (!global.MediaRecorder.isTypeSupported || global.MediaRecorder.isTypeSupported(type))) {
                return type;
            }
        }
        return null;
    }

    /*
     * Whether this document may ask for the screen. A frame may not unless its embedder's `allow`
     * list grants `display-capture`; browsers without a permissions policy API are trusted at the
     * top level only.
     */
    function screenCaptureAllowed() {
        var policy = global.document.permissionsPolicy || global.document.featurePolicy;
        if (policy && policy.allowsFeature) { return policy.allowsFeature('display-capture'); }
        try {
            return global.top === global.self;
        } catch (error) {
            return false;
        }
    }

    /* Stop every track of `stream` (the camera or the screen is released). */
    function stopTracks(stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
    }

    /*
     * Ask the browser to share the screen (only from a click); a promise of the stream, or null where
     * the browser cannot share a screen at all.
     */
    function askForScreen() {
        var devices = global.navigator.mediaDevices;
        if (!devices || !devices.getDisplayMedia) { return null; }
        return devices.getDisplayMedia({video: true, audio: false});
    }

    /* The channel between an attempt's exam page and its screen recording window (null without one). */
    function windowChannel(attempt) {
        if (!global.BroadcastChannel) { return null; }
        return new global.BroadcastChannel('proctored-exam-screen:' + attempt);
    }

    function delay(ms) {
        return new Promise(function (resolve) { global.setTimeout(resolve, ms); });
    }

    /*
     * Chunks not yet stored by the server, kept in the browser's IndexedDB per recording (its state
     * URL names it), so that a reload or a closed tab during a network outage loses nothing that was
     * recorded: the next page of the same attempt sends them first. Without IndexedDB (a private
     * window may refuse it) every method resolves and nothing is kept.
     */
    var CHUNK_DB = 'proctored-exam-capture';
    var CHUNK_STORE = 'chunks';
    var chunkDatabase = null;

    function openChunkDatabase() {
        if (!chunkDatabase) {
            chunkDatabase = new Promise(function (resolve) {
                var request;
                try {
                    request = global.indexedDB.open(CHUNK_DB, 1);
                } catch (error) {
                    resolve(null);
                    return;
                }
                request.onupgradeneeded = function () {
                    var store = request.result.createObjectStore(CHUNK_STORE, {autoIncrement: true});
                    store.createIndex('recording', 'recording');
                };
                request.onsuccess = function () { resolve(request.result); };
                request.onerror = function () { resolve(null); };
                request.onblocked = function () { resolve(null); };
            });
        }
        return chunkDatabase;
    }

    function ChunkStore(recordingKey) {
        function run(mode, action) {
            return openChunkDatabase().then(function (db) {
                if (!db) { return null; }
                return new Promise(function (resolve) {
                    var result = null;
                    var transaction;
                    try {
                        transaction = db.transaction(CHUNK_STORE, mode);
                    } catch (error) {
                        resolve(null);
                        return;
                    }
                    var request = action(transaction.objectStore(CHUNK_STORE));
                    if (request) { request.onsuccess = function () { result = request.result; }; }
                    transaction.oncomplete = function () { resolve(result); };
                    transaction.onerror = function () { resolve(null); };
                    transaction.onabort = function () { resolve(null); };
                });
            });
        }
        return {
            /* Resolves [{key, blob}] of this recording, oldest first. */
            load: function () {
                var found = [];
                return run('readonly', function (store) {
                    var cursor = store.index('recording').openCursor(global.IDBKeyRange.only(recordingKey));
                    cursor.onsuccess = function () {
                        var current = cursor.result;
                        if (!current) { return; }
                        found.push({key: current.primaryKey, blob: current.value.blob});
                        current['continue']();
                    };
                    return null;
                }).then(function () {
                    return found.sort(function (a, b) { return a.key - b.key; });
                });
            },
            /* Resolves the new entry's key (null when not kept). */
            add: function (blob) {
                return run('readwrite', function (store) {
                    return store.add({recording: recordingKey, blob: blob});
                });
            },
            remove: function (key) {
                return run('readwrite', function (store) { return store['delete'](key); });
            },
            clear: function () {
                return run('readwrite', function (store) {
                    var cursor = store.index('recording').openKeyCursor(global.IDBKeyRange.only(recordingKey));
                    cursor.onsuccess = function () {
                        if (!cursor.result) { return; }
                        store['delete'](cursor.result.primaryKey);
                        cursor.result['continue']();
                    };
                    return null;
                });
            }
        };
    }

    /*
     * The chunks of one recording, uploaded in order, one request at a time. A chunk is kept (in
     * memory and in the `ChunkStore`) until the server has stored it (201, or 200 for one it already
     * had), so a lost network only delays the queue, and a reload or a closed tab loses at most the
     * chunk being recorded: chunks left by an earlier page of the attempt go first. The index of the
     * head chunk is `nextIndex`: read from the server first, so that numbering continues after a
     * reload, and corrected from a 409 `out_of_order` answer.
     */
    function UploadQueue(urls, kind, events) {
        // {state: GET url, chunk: POST url with {index}, complete: POST url}
        var recording = urls.recordings[kind];
        var store = ChunkStore(recording.state);
        var chunks = [];  // {blob, key (in the store, null until added), stored (by the server)}
        var loading = true;
        var nextIndex = null;
        var busy = false;
        var failures = 0;
        var closed = false;
        var waiters = [];
        var wakeTimer = null;

        function settle() {
            if (chunks.length || busy || loading) { return; }
            waiters.splice(0).forEach(function (resolve) { resolve(true); });
        }

        function retryLater() {
            failures += 1;
            var wait = Math.min(MAX_BACKOFF_MS, 500 * Math.pow(2, failures - 1));
            wait = wait / 2 + Math.random() * wait / 2;
            if (events.onWaiting && failures >= 2) { events.onWaiting(kind); }
            wakeTimer = global.setTimeout(function () { wakeTimer = null; pump(); }, wait);
        }

        function start() {
            busy = true;
            send('GET', recording.state).then(function (answer) {
                busy = false;
                if (!answer.ok) { throw new Error(String(answer.status)); }
                nextIndex = Number(answer.body.next_index) || 0;
                failures = 0;
                pump();
            }).catch(function () {
                busy = false;
                retryLater();
            });
        }

        function drop() {
            chunks = [];
            closed = true;
            store.clear();
            settle();
            if (events.onClosed) { events.onClosed(kind); }
        }

        function forget(entry) {
            // The server has the chunk (or can never take it): out of the queue and the store.
            entry.stored = true;
            if (entry.key !== null) { store.remove(entry.key); }
        }

        function pump() {
            if (busy || closed || loading || wakeTimer !== null) { return; }
            if (nextIndex === null) { start(); return; }
            if (!chunks.length) { settle(); return; }
            busy = true;
            var entry = chunks[0];
            var chunk = entry.blob;
            var index = nextIndex;
            send('POST', fill(recording.chunk, {index: index}), chunk, chunk.type || 'video/webm')
                .then(function (answer) {
                    busy = false;
                    var body = answer.body || {};
                    if (answer.status === 200 || answer.status === 201) {
                        forget(chunks.shift());
                        nextIndex = typeof body.next_index === 'number' ? body.next_index : index + 1;
                        failures = 0;
                        if (events.onStored) { events.onStored(kind, index); }
                    } else if (answer.status === 409 && (body.error === 'attempt_finished' ||
                                                         body.error === 'recording_complete')) {
                        // Nothing more is accepted for this recording.
                        drop();
                        return;
                    } else if (answer.status === 409 && typeof body.next_index === 'number') {
                        // The server expects another index (a chunk lost with a reload): number from there.
                        nextIndex = body.next_index;
                    } else if (answer.status === 409) {
                        // Read where the recording stands, after a pause.
                        nextIndex = null;
                        retryLater();
                        return;
                    } else if (answer.status === 400 || answer.status === 413 || answer.status === 415) {
                        // This chunk can never be stored: keep the rest of the recording going.
                        forget(chunks.shift());
                    } else {
                        retryLater();
                        return;
                    }
                    pump();
                })
                .catch(function () {
                    busy = false;
                    retryLater();
                });
        }

        function wake() {
            if (wakeTimer !== null) {
                global.clearTimeout(wakeTimer);
                wakeTimer = null;
            }
            pump();
        }

        global.addEventListener('online', wake);

        // Chunks an earlier page of this attempt recorded but could not send go before this page's.
        store.load().then(function (left) {
            chunks = left.map(function (item) {
                return {blob: item.blob, key: item.key, stored: false};
            }).concat(chunks);
            loading = false;
            if (left.length && events.onRecovered) { events.onRecovered(kind, left.length); }
            pump();
        });

        return {
            kind: kind,
            push: function (blob) {
                if (closed || !blob || !blob.size) { return; }
                var entry = {blob: blob, key: null, stored: false};
                chunks.push(entry);
                store.add(blob).then(function (key) {
                    entry.key = key;
                    // Sent before it was kept: nothing to keep any more.
                    if (entry.stored && key !== null) { store.remove(key); }
                });
                pump();
            },
            /* Resolves true once every chunk is stored, or false after `ms`. */
            drained: function (ms) {
                wake();
                return Promise.race([
                    new Promise(function (resolve) { waiters.push(resolve); settle(); }),
                    delay(ms).then(function () { return false; })
                ]);
            },
            complete: function () {
                if (closed) { return Promise.resolve(false); }
                return postJSON(recording.complete, {}).then(function (answer) {
                    return answer.ok;
                }).catch(function () { return false; });
            },
            pending: function () { return chunks.length; },
            nextIndex: function () { return nextIndex; },
            close: drop
        };
    }

    /*
     * A MediaRecorder on `stream` feeding `queue`. After a reload a new recorder starts a new webm
     * file whose chunks continue the old numbering: the server joins them in order, and a player reads
     * the result as consecutive segments. `onLost(reason)` is called once if the recorder stops or
     * fails without being asked to. `pace`: {timesliceMs, accepted (the server's types), bitsPerSecond (the
     * video bitrate aimed at, or 0 for the browser's own)}.
     */
    function Recorder(stream, queue, pace, onLost) {
        var timesliceMs = pace.timesliceMs;
        var withSound = stream.getAudioTracks().length > 0;
        var mimeType = supportedMimeType(pace.accepted, withSound);
        // The recorder gets its own copy of the stream: stopping it (the end of the room scan) leaves the
        // camera and its previews running.
        var copy = stream.clone();
        var options = {};
        if (mimeType) { options.mimeType = mimeType; }
        // The bitrate the connection check measured the learner's upload against.
        if (pace.bitsPerSecond) { options.videoBitsPerSecond = pace.bitsPerSecond; }
        if (withSound && pace.audioBitsPerSecond) { options.audioBitsPerSecond = pace.audioBitsPerSecond; }
        var recorder = new global.MediaRecorder(copy, options);
        var held = [];
        var heldBytes = 0;
        function pass(all) {
            if (heldBytes && (all || heldBytes >= MIN_CHUNK_BYTES)) {
                queue.push(new Blob(held, {type: held[0].type || mimeType || 'video/webm'}));
                held = [];
                heldBytes = 0;
            }
        }
        recorder.addEventListener('dataavailable', function (event) {
            if (event.data && event.data.size) {
                held.push(event.data);
                heldBytes += event.data.size;
            }
            pass(false);
        });
        // First of the stop listeners: the last data is queued before anybody learns of the stop.
        recorder.addEventListener('stop', function () { pass(true); });
        var stopping = false;
        var reported = false;
        function lost() {
            if (!stopping && !reported) {
                reported = true;
                onLost('recorder_closed');
            }
        }
        // Fired once the recorder really records (Chromium: with its first encoded frame, which can
        // take a moment while the encoder starts).
        var started = new Promise(function (resolve) {
            recorder.addEventListener('start', function () { resolve(); });
            recorder.addEventListener('stop', function () { resolve(); });
        });
        var stopped = new Promise(function (resolve) {
            recorder.addEventListener('stop', function () {
                resolve();
                lost();
            });
        });
        recorder.addEventListener('error', lost);
        recorder.start(timesliceMs);
        return {
            stop: function () {
                stopping = true;
                if (recorder.state !== 'inactive') { recorder.stop(); }
                return stopped.then(function () { stopTracks(copy); });
            },
            started: started,
            state: function () { return recorder.state; }
        };
    }

    function ProctoredExamCapture(root, plan) {
        var messages = plan.messages || {};
        var urls = plan.urls;
        var errorBox = root.querySelector('.proctored-exam__error');
        // The recorders' pace (chunks of `timeslice_seconds`) and how long the last uploads may take.
        var timeslice = Math.max(250, (Number(plan.timeslice_seconds) || 5) * 1000);
        var flushLimit = Math.max(1, Number(plan.flush_seconds) || 20) * 1000;
        var uploadCheck = plan.upload_check || {};
        var pace = {timesliceMs: timeslice, accepted: plan.content_types,
                    bitsPerSecond: (Number(uploadCheck.recorder_kbps) || 0) * 1000,
                    audioBitsPerSecond: (Number(uploadCheck.audio_kbps) || 0) * 1000};
        var camera = null;    // the webcam stream, shared by the photos, the room scan and the recording

        function showError(message) {
            if (errorBox) {
                errorBox.textContent = message || '';
                errorBox.hidden = !message;
            }
        }

        function supported() {
            return !!(global.navigator.mediaDevices && global.navigator.mediaDevices.getUserMedia &&
                      global.MediaRecorder);
        }

        function play(video) {
            var playing = video.play();
            if (playing && playing.catch) { playing.catch(function () { /* shown when it can */ }); }
        }

        function attachPreview(video, stream) {
            if (video && video.srcObject !== stream) {
                video.srcObject = stream;
                play(video);
            }
        }

        function cameraLive() {
            return camera && camera.getVideoTracks().some(function (track) { return track.readyState === 'live'; });
        }

        function openCamera() {
            if (cameraLive()) { return Promise.resolve(camera); }
            if (!supported()) { return Promise.reject(new Error(messages.not_supported)); }
            return global.navigator.mediaDevices.getUserMedia({video: true, audio: !!plan.audio})
                .then(function (stream) {
                    camera = stream;
                    return stream;
                }, function () {
                    throw new Error(plan.audio ? messages.camera_microphone_denied : messages.camera_denied);
                });
        }

        var modes = {exam: examCapture, checks: checksCapture, screen_window: screenWindowCapture};
        var api = (modes[plan.mode] || checksCapture)();
        root.capture = api;
        return api;

        // ---- the checks page -------------------------------------------------------------------------

        function checksCapture() {
            var form = root.querySelector('form[data-action="confirm_checks"]');
            var steps = Array.prototype.slice.call(form.querySelectorAll('li[data-step]'));
            var submit = form.querySelector('button[type="submit"]');
            var done = {};
            (plan.completed || []).forEach(function (name) { done[name] = true; });
            // The system check leaves nothing on the server: a passed one is remembered for this attempt.
            var checkKey = 'proctored-exam-system-check-' + plan.attempt;
            try {
                if (global.sessionStorage.getItem(checkKey) === 'passed') { done.system_check = true; }
            } catch (e) { /* private mode: the check runs again */ }

            function note(step, message) {
                var box = step.querySelector('.proctored-exam__capture-note');
                if (box) { box.textContent = message || ''; }
            }

            // Steps open one at a time; the exam code and Continue only once the captures are done.
            function current() {
                for (var i = 0; i < steps.length; i += 1) {
                    var name = steps[i].getAttribute('data-step');
                    if (name !== 'exam_code' && !done[name]) { return steps[i]; }
                }
                return null;
            }

            function advance(moveFocus) {
                var active = current();
                var reached = false;
                steps.forEach(function (step) {
                    var name = step.getAttribute('data-step');
                    if (step === active) { reached = true; }
                    step.hidden = reached && step !== active;
                    step.setAttribute('data-done', done[name] ? 'true' : 'false');
                    if (step === active) { step.setAttribute('aria-current', 'step'); } else {
                        step.removeAttribute('aria-current');
                    }
                });
                submit.hidden = active !== null;
                root.setAttribute('data-capture-step', active ? active.getAttribute('data-step') : 'exam_code');
                var target = active || form.querySelector('li[data-step="exam_code"]');
                if (target && (target.getAttribute('data-step') === 'user_photo' ||
                               target.getAttribute('data-step') === 'id_photo' ||
                               target.getAttribute('data-step') === 'room_scan')) {
                    startPreview(target);
                }
                if (moveFocus && target) {
                    var title = target.querySelector('.proctored-exam__step-title');
                    var field = target.querySelector('input:not([type="checkbox"])');
                    (field || title || target).focus();
                }
            }

            function startPreview(step) {
                openCamera().then(function (stream) {
                    showError('');
                    attachPreview(step.querySelector('video'), stream);
                    step.setAttribute('data-camera', 'on');
                }).catch(function (error) {
                    step.setAttribute('data-camera', 'off');
                    showError(error.message);
                });
            }

            function complete(step, moveFocus) {
                done[step.getAttribute('data-step')] = true;
                advance(moveFocus !== false);
            }

            function photoStep(step) {
                var kind = step.getAttribute('data-step') === 'user_photo' ? 'user' : 'id';
                var video = step.querySelector('video');
                var still = step.querySelector('img');
                var take = step.querySelector('[data-capture-action="take"]');
                var retake = step.querySelector('[data-capture-action="retake"]');
                var use = step.querySelector('[data-capture-action="use"]');
                var photo = null;

                function showing(taken) {
                    video.hidden = taken;
                    still.hidden = !taken;
                    take.hidden = taken;
                    retake.hidden = !taken;
                    use.hidden = !taken;
                    step.setAttribute('data-photo', taken ? 'taken' : 'none');
                }

                // Resolves once the preview shows a frame (a still of a video without one is black), or
                // after a few seconds whatever it shows.
                function frameShown() {
                    if (video.readyState >= 2 && video.videoWidth) { return Promise.resolve(); }
                    play(video);
                    return new Promise(function (resolve) {
                        var events = ['loadeddata', 'canplay', 'playing', 'timeupdate'];
                        var timer = global.setTimeout(shown, 3000);
                        function shown() {
                            global.clearTimeout(timer);
                            events.forEach(function (name) { video.removeEventListener(name, shown); });
                            resolve();
                        }
                        events.forEach(function (name) { video.addEventListener(name, shown); });
                    });
                }

                take.addEventListener('click', function () {
                    openCamera().then(function (stream) {
                        attachPreview(video, stream);
                        return frameShown();
                    }).then(function () {
                        var canvas = document.createElement('canvas');
                        canvas.width = video.videoWidth || 640;
                        canvas.height = video.videoHeight || 480;
                        canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
                        return new Promise(function (resolve) { canvas.toBlob(resolve, 'image/jpeg', 0.9); });
                    }).then(function (blob) {
                        photo = blob;
                        if (still.src) { global.URL.revokeObjectURL(still.src); }
                        still.src = global.URL.createObjectURL(blob);
                        showError('');
                        showing(true);
                        note(step, messages.photo_taken);
                        use.focus();
                    }).catch(function (error) {
                        showError(error.message || messages.camera_denied);
                    });
                });
                retake.addEventListener('click', function () {
                    photo = null;
                    showing(false);
                    play(video);
                    note(step, '');
                    take.focus();
                });
                use.addEventListener('click', function () {
                    if (!photo) { return; }
                    use.disabled = true;
                    retake.disabled = true;
                    send('POST', urls.photos[kind], photo, 'image/jpeg').then(function (answer) {
                        use.disabled = false;
                        retake.disabled = false;
                        if (!answer.ok) {
                            showError((answer.body && answer.body.message) || messages.upload_failed);
                            return;
                        }
                        showError('');
                        use.hidden = true;
                        retake.hidden = true;
                        note(step, messages.photo_saved);
                        complete(step);
                    }).catch(function () {
                        use.disabled = false;
                        retake.disabled = false;
                        showError(messages.upload_failed);
                    });
                });
                showing(false);
            }

            /* Browser, camera, microphone (where sound is recorded), screen sharing (where the screen is)
             * and the upload speed to this site, before the learner may go on. A slow connection is said
             * plainly but does not stop the learner: the page keeps what it could not send yet. */
            function systemCheckStep(step) {
                var button = step.querySelector('[data-capture-action="system_check"]');
                var list = step.querySelector('.proctored-exam__system-check');
                var needsScreen = (plan.recordings || []).indexOf('screen') >= 0;

                function result(name, outcome, text) {
                    var item = document.createElement('li');
                    item.setAttribute('data-check', name);
                    item.setAttribute('data-result', outcome);
                    item.textContent = text;
                    list.appendChild(item);
                    return outcome !== 'failed';
                }

                function megabits(kbps) {
                    return (kbps / 1000).toLocaleString(document.documentElement.lang || undefined,
                                                        {maximumFractionDigits: 1, minimumFractionDigits: 1});
                }

                function checkUpload() {
                    var sample = new Uint8Array(Number(uploadCheck.sample_bytes) || 262144);
                    var started = global.performance.now();
                    return send('POST', uploadCheck.url, sample, 'application/octet-stream').then(function (answer) {
                        if (!answer.ok) { throw new Error('upload check refused'); }
                        var seconds = Math.max(0.001, (global.performance.now() - started) / 1000);
                        var kbps = sample.length * 8 / 1000 / seconds;
                        var needed = Number(uploadCheck.needed_kbps) || 0;
                        var words = {speed: megabits(kbps), needed: megabits(needed)};
                        step.setAttribute('data-upload-kbps', String(Math.round(kbps)));
                        return kbps >= needed ? result('upload', 'passed', format(messages.check_upload_ok, words))
                            : result('upload', 'slow', format(messages.check_upload_slow, words));
                    }).catch(function () {
                        return result('upload', 'failed', messages.upload_failed);
                    });
                }

                function run() {
                    button.disabled = true;
                    list.textContent = '';
                    step.setAttribute('data-check', 'running');
                    note(step, messages.check_running);
                    var passed = result('browser', supported() ? 'passed' : 'failed',
                                        supported() ? messages.check_browser_ok : messages.not_supported);
                    if (needsScreen) {
                        var sharing = !!(global.navigator.mediaDevices && global.navigator.mediaDevices.getDisplayMedia);
                        passed = result('screen', sharing ? 'passed' : 'failed',
                                        sharing ? messages.check_screen_ok : messages.check_screen_failed) && passed;
                    }
                    var opened = passed ? openCamera().then(function (stream) {
                        attachPreview(step.querySelector('video'), stream);
                        return result('camera', 'passed', messages.check_camera_ok);
                    }, function (error) {
                        return result('camera', 'failed', error.message);
                    }) : Promise.resolve(false);
                    opened.then(function (cameraWorks) {
                        passed = passed && cameraWorks;
                        if (!plan.audio) {
                            result('microphone', 'skipped', messages.check_microphone_unused);
                        } else if (cameraWorks) {
                            // The camera's stream asked for the microphone too: its sound must be live.
                            var hearing = camera && camera.getAudioTracks().some(function (track) {
                                return track.readyState === 'live';
                            });
                            passed = result('microphone', hearing ? 'passed' : 'failed',
                                            hearing ? messages.check_microphone_ok : messages.microphone_denied) && passed;
                        }
                        return passed ? checkUpload() : false;
                    }).then(function (uploaded) {
                        passed = passed && uploaded;
                        button.disabled = false;
                        step.setAttribute('data-check', passed ? 'passed' : 'failed');
                        if (!passed) {
                            button.textContent = messages.check_again;
                            note(step, messages.check_failed);
                            button.focus();
                            return;
                        }
                        try { global.sessionStorage.setItem(checkKey, 'passed'); } catch (e) { /* private mode */ }
                        // A slow connection may be checked again once the learner changed something.
                        button.hidden = !list.querySelector('[data-result="slow"]');
                        button.textContent = messages.check_again;
                        note(step, messages.check_passed);
                        complete(step);
                    });
                }

                button.addEventListener('click', run);
            }

            function roomScanStep(step) {
                var button = step.querySelector('[data-capture-action="scan"]');
                var countdown = step.querySelector('.proctored-exam__countdown');
                var seconds = Math.max(1, Number(plan.room_scan_seconds) || 15);
                var queue = null;

                // Record `seconds` from the moment the recorder really records, or until it stops.
                function recordClip(recorder) {
                    var left = seconds;
                    return recorder.started.then(function () {
                        countdown.textContent = String(left);
                        return new Promise(function (resolve) {
                            var tick = global.setInterval(function () {
                                left -= 1;
                                countdown.textContent = left > 0 ? String(left) : '';
                                if (left <= 0 || recorder.state() === 'inactive') {
                                    global.clearInterval(tick);
                                    resolve(recorder.stop());
                                }
                            }, 1000);
                        });
                    });
                }

                button.addEventListener('click', function () {
                    button.disabled = true;
                    openCamera().then(function (stream) {
                        attachPreview(step.querySelector('video'), stream);
                        queue = queue || UploadQueue(urls, 'room_scan', {});
                        step.setAttribute('data-scan', 'recording');
                        note(step, messages.room_scan_recording);
                        return recordClip(Recorder(stream, queue, pace, function () {
                            /* a clip cut short is saved as it is */
                        }));
                    }).then(function () {
                        note(step, messages.room_scan_saving);
                        step.setAttribute('data-scan', 'saving');
                        return saveRoomScan();
                    }).catch(function (error) {
                        button.disabled = false;
                        showError(error.message || messages.camera_denied);
                    });
                });

                function saveRoomScan() {
                    return queue.drained(Math.max(5, Number(plan.flush_seconds) || 20) * 1000).then(function (empty) {
                        return empty ? queue.complete() : false;
                    }).then(function (saved) {
                        if (!saved) {
                            // Still in memory: the same button tries the upload again.
                            showError(messages.upload_failed);
                            button.disabled = false;
                            button.onclick = null;
                            step.setAttribute('data-scan', 'unsaved');
                            return;
                        }
                        step.setAttribute('data-scan', 'saved');
                        button.hidden = true;
                        showError('');
                        note(step, messages.room_scan_saved);
                        complete(step);
                    });
                }
            }

            steps.forEach(function (step) {
                var name = step.getAttribute('data-step');
                if (name === 'user_photo' || name === 'id_photo') { photoStep(step); }
                if (name === 'room_scan') { roomScanStep(step); }
                if (name === 'system_check') { systemCheckStep(step); }
            });
            if (!supported()) { showError(messages.not_supported); }
            advance(false);
            return {finish: function () { return Promise.resolve(); }};
        }

        // ---- the running exam ------------------------------------------------------------------------

        function examCapture() {
            var panel = root.querySelector('.proctored-exam__capture');
            var status = panel.querySelector('.proctored-exam__capture-status');
            var preview = panel.querySelector('video');
            var cameraButton = panel.querySelector('[data-capture-action="camera"]');
            var screenButton = panel.querySelector('[data-capture-action="screen"]');
            var windowButton = panel.querySelector('[data-capture-action="screen-window"]');
            var wanted = plan.recordings || ['webcam'];
            var queues = {};
            var recorders = {};
            var streams = {};
            var finishing = null;
            var ended = false;
            // Whether this tab records the attempt (one tab of the browser does: see `withRecordingLock`).
            var recordingHere = false;
            // The screen is recorded by the screen recording window where this page may not ask for it.
            var screenWanted = wanted.indexOf('screen') >= 0;
            var byWindow = screenWanted && !!plan.screen_window_url && !screenCaptureAllowed();
            var channel = byWindow ? windowChannel(plan.attempt) : null;
            // What the window last said: null (no window), else {sharing, recorded}.
            var screenWindow = null;
            var windowFinished = null;

            function say(message) {
                status.textContent = message || '';
            }

            function screenShared() {
                if (byWindow) { return !!(screenWindow && screenWindow.sharing); }
                return !!(recorders.screen && recorders.screen.state() === 'recording');
            }

            function mark() {
                wanted.forEach(function (kind) {
                    var on = kind === 'screen' ? screenShared() :
                        !!(recorders[kind] && recorders[kind].state() === 'recording');
                    panel.setAttribute('data-recording-' + kind, on ? 'on' : 'off');
                });
                panel.setAttribute('data-screen-window', !byWindow ? 'unused' : (screenWindow ? 'open' : 'closed'));
                cameraButton.hidden = ended || !recordingHere || !!recorders.webcam;
                screenButton.hidden = ended || !recordingHere || !screenWanted || byWindow || !!recorders.screen;
                windowButton.hidden = ended || !recordingHere || !byWindow || screenShared();
            }

            function recordingMessage() {
                return screenWanted ? messages.recording_screen : messages.recording;
            }

            function shareScreenMessage() {
                return byWindow ? messages.screen_window : messages.share_screen;
            }

            function queue(kind) {
                if (!queues[kind]) {
                    queues[kind] = UploadQueue(urls, kind, {
                        onWaiting: function () {
                            root.setAttribute('data-capture-offline', 'true');
                            say(messages.upload_waiting);
                        },
                        onStored: stored
                    });
                }
                return queues[kind];
            }

            function stored(kind, index) {
                panel.setAttribute('data-stored-' + kind, String(index));
                if (root.getAttribute('data-capture-offline')) {
                    root.removeAttribute('data-capture-offline');
                    say(recordingMessage());
                }
            }

            // The learner stopped sharing, or a recorder stopped: tell the server, then the learner.
            function lost(kind, reason) {
                if (ended || finishing) { return; }
                if (recorders[kind]) {
                    recorders[kind].stop();
                    delete recorders[kind];
                }
                if (streams[kind]) {
                    stopTracks(streams[kind]);
                    delete streams[kind];
                }
                if (kind === 'webcam') { camera = null; }
                mark();
                panel.setAttribute('data-flag', reason);
                postJSON(urls.flags, {kind: reason}).then(function (answer) {
                    var body = answer.body || {};
                    var message = body.message || messages.capture_lost;
                    panel.setAttribute('data-flag-action', body.action || 'continue');
                    if (body.action === 'ended') {
                        ended = true;
                        if (channel) { channel.postMessage({type: 'ended', message: message}); }
                        stopAll();
                        try {
                            global.sessionStorage.setItem(CARRIED_MESSAGE, message);
                        } catch (e) { /* private mode: the result page still says the exam was submitted */ }
                        say(message);
                        (plan.reload || function () { global.location.reload(); })();
                        return;
                    }
                    say(message);
                    if (kind === 'screen') {
                        (byWindow ? windowButton : screenButton).focus();
                    } else {
                        cameraButton.focus();
                    }
                }).catch(function () {
                    panel.setAttribute('data-flag-action', 'unsent');
                    say(messages.capture_lost);
                });
            }

            function record(kind, stream) {
                streams[kind] = stream;
                var track = stream.getVideoTracks()[0];
                if (track) {
                    track.addEventListener('ended', function () {
                        lost(kind, kind === 'screen' ? 'screen_stopped' : 'camera_stopped');
                    });
                }
                recorders[kind] = Recorder(stream, queue(kind), pace, function (reason) {
                    lost(kind, reason);
                });
                mark();
            }

            function startCamera() {
                return openCamera().then(function (stream) {
                    if (ended) { return; }
                    attachPreview(preview, stream);
                    record('webcam', stream);
                    showError('');
                    say(screenWanted && !screenShared() ? shareScreenMessage() : recordingMessage());
                }).catch(function (error) {
                    mark();
                    say(error.message || messages.camera_denied);
                });
            }

            function startScreen() {
                // Browsers only share a screen from a click: this runs from the Share your screen button.
                var asked = askForScreen();
                if (!asked) {
                    say(messages.not_supported);
                    return Promise.resolve();
                }
                return asked.then(function (stream) {
                    if (ended) { return; }
                    record('screen', stream);
                    say(recordingMessage());
                }).catch(function () {
                    mark();
                    say(messages.screen_denied);
                    screenButton.focus();
                });
            }

            // ---- the screen recording window (where this page may not ask for the screen) ----------

            /*
             * Open the window, or bring back the one already open: opening a named window that exists
             * would load it again and stop its recording, so an empty URL finds it first.
             */
            function openScreenWindow() {
                var name = 'proctored-exam-screen-' + plan.attempt;
                var opened = global.open('', name, 'popup,width=560,height=620');
                if (!opened) {
                    say(messages.screen_window_blocked);
                    windowButton.focus();
                    return;
                }
                var blank = true;
                try {
                    blank = opened.location.href === 'about:blank';
                } catch (error) { /* another origin's page took the name: load ours */ }
                if (blank) { opened.location.href = plan.screen_window_url; }
                opened.focus();
                say(messages.screen_window_opened);
            }

            function windowSaid(data) {
                if (!data || ended) { return; }
                if (data.type === 'state') {
                    var wasSharing = screenShared();
                    screenWindow = {sharing: !!data.sharing, recorded: !!data.recorded};
                    mark();
                    if (screenShared() && !wasSharing) { say(recordingMessage()); }
                } else if (data.type === 'stored') {
                    stored('screen', data.index);
                } else if (data.type === 'lost' || data.type === 'closed') {
                    // The page tells the server: one place answers the learner, whichever side stopped.
                    var wasRecording = screenShared() || data.type === 'lost';
                    screenWindow = data.type === 'closed' ? null : {sharing: false, recorded: true};
                    mark();
                    if (wasRecording) { lost('screen', data.reason || 'screen_stopped'); }
                } else if (data.type === 'finished' && windowFinished) {
                    windowFinished();
                }
            }

            /* The window completes its recording; resolves once it says so, or after the flush limit. */
            function windowFinish() {
                if (!channel || !screenWindow) { return Promise.resolve(false); }
                var recorded = screenWindow.recorded;
                return Promise.race([
                    new Promise(function (resolve) {
                        windowFinished = function () { resolve(recorded); };
                        channel.postMessage({type: 'finish'});
                    }),
                    delay(flushLimit + 2000).then(function () { return false; })
                ]);
            }

            function stopAll() {
                var stops = Object.keys(recorders).map(function (kind) { return recorders[kind].stop(); });
                recorders = {};
                return Promise.all(stops).then(function () {
                    Object.keys(streams).forEach(function (kind) { stopTracks(streams[kind]); });
                    streams = {};
                    camera = null;
                    mark();
                });
            }

            // Stop, upload what is left (at most `flush_seconds`), mark each recording complete.
            function finish() {
                if (finishing) { return finishing; }
                if (!recordingHere) {
                    // The tab that records finishes its recordings: the server's answers stop it.
                    ended = true;
                    finishing = Promise.resolve();
                    return finishing;
                }
                say(messages.finishing);
                finishing = Promise.all([stopAll(), windowFinish()]).then(function (outcome) {
                    // The window completed the screen recording it made; this page completes the others,
                    // and the screen's too where no window did (sending what a closed window left).
                    var completedByWindow = outcome[1];
                    return Promise.all(wanted.filter(function (kind) {
                        return !(kind === 'screen' && completedByWindow);
                    }).map(function (kind) {
                        return queue(kind).drained(flushLimit).then(function (empty) {
                            return empty ? queues[kind].complete() : false;
                        });
                    }));
                }).then(function () {
                    ended = true;
                    mark();
                });
                return finishing;
            }

            /*
             * One tab of the browser records an attempt, holding a Web Lock named after it: two recorders
             * would cut one recording into interleaved pieces. Another tab of the exam says so and waits;
             * when the recording tab closes, the lock passes to it, and its queues first send what the
             * closed tab left in IndexedDB. Browsers without Web Locks record in every tab.
             */
            function withRecordingLock(start) {
                var locks = global.navigator.locks;
                var begin = function () {
                    recordingHere = true;
                    panel.removeAttribute('data-capture-elsewhere');
                    start();
                    return new Promise(function () { /* held for the page's life */ });
                };
                if (!locks || !locks.request) {
                    begin();
                    return;
                }
                var name = 'proctored-exam-capture:' + plan.attempt;
                locks.request(name, {ifAvailable: true}, function (lock) {
                    if (lock) { return begin(); }
                    panel.setAttribute('data-capture-elsewhere', 'true');
                    say(messages.recording_elsewhere);
                    mark();
                    locks.request(name, function () {
                        if (ended) { return null; }
                        return begin();
                    });
                    return null;
                });
            }

            cameraButton.addEventListener('click', startCamera);
            screenButton.addEventListener('click', startScreen);
            windowButton.addEventListener('click', openScreenWindow);
            if (channel) {
                channel.onmessage = function (event) { windowSaid(event.data); };
                // A window already open (this page was reloaded) says where it stands.
                channel.postMessage({type: 'hello'});
            }
            if (byWindow && !channel) {
                say(messages.not_supported);
                mark();
            } else if (!supported()) {
                say(messages.not_supported);
                mark();
            } else {
                withRecordingLock(startCamera);
            }
            return {finish: finish, queues: queues};
        }

        // ---- the screen recording window -------------------------------------------------------------

        /*
         * The window the exam page opens where it may not ask for the screen itself. It records the
         * screen into its own upload queue and tells the page, which owns the rest: the flags sent to the
         * server, the messages, the submission. When the page finishes the exam, the window uploads what
         * is left, completes the recording, says so, and closes.
         */
        function screenWindowCapture() {
            var status = root.querySelector('.proctored-exam__capture-status');
            var shareButton = root.querySelector('[data-capture-action="screen"]');
            var channel = windowChannel(plan.attempt);
            var uploads = null;
            var recorder = null;
            var stream = null;
            var done = false;

            function say(message) {
                status.textContent = message || '';
            }

            function tell(data) {
                if (channel) { channel.postMessage(data); }
            }

            function tellState() {
                var sharing = !!(recorder && recorder.state() === 'recording');
                root.setAttribute('data-recording-screen', sharing ? 'on' : 'off');
                shareButton.hidden = done || sharing;
                tell({type: 'state', sharing: sharing, recorded: !!uploads});
            }

            function queue() {
                if (!uploads) {
                    uploads = UploadQueue(urls, 'screen', {
                        onWaiting: function () { say(messages.upload_waiting); },
                        onStored: function (kind, index) {
                            root.setAttribute('data-stored-screen', String(index));
                            tell({type: 'stored', index: index});
                        },
                        // The attempt is over (the exam page may be gone): nothing more is taken.
                        onClosed: function () { end(messages.screen_window_done); }
                    });
                }
                return uploads;
            }

            function release() {
                var stopping = recorder ? recorder.stop() : Promise.resolve();
                recorder = null;
                return stopping.then(function () {
                    if (stream) { stopTracks(stream); }
                    stream = null;
                });
            }

            function end(message) {
                if (done) { return; }
                done = true;
                release().then(tellState);
                say(message);
            }

            function lost(reason) {
                if (done || !recorder) { return; }
                release().then(function () {
                    tellState();
                    tell({type: 'lost', reason: reason});
                    say(messages.capture_lost);
                    shareButton.focus();
                });
            }

            function share() {
                var asked = askForScreen();
                if (!asked) {
                    say(messages.not_supported);
                    return;
                }
                asked.then(function (shared) {
                    if (done) {
                        stopTracks(shared);
                        return;
                    }
                    stream = shared;
                    var track = shared.getVideoTracks()[0];
                    if (track) { track.addEventListener('ended', function () { lost('screen_stopped'); }); }
                    recorder = Recorder(shared, queue(), pace, lost);
                    recorder.started.then(tellState);
                    say(messages.screen_window_recording);
                }).catch(function () {
                    say(messages.screen_denied);
                    shareButton.focus();
                });
            }

            // End My Exam or time up on the exam page: send what is left, complete, close.
            function finish() {
                if (done && !uploads) {
                    tell({type: 'finished'});
                    return;
                }
                say(messages.finishing);
                release().then(function () {
                    return uploads ? uploads.drained(flushLimit) : false;
                }).then(function (empty) {
                    return empty ? uploads.complete() : false;
                }).then(function () {
                    end(messages.screen_window_done);
                    tell({type: 'finished'});
                    global.close();
                });
            }

            if (!channel) {
                say(messages.not_supported);
                shareButton.hidden = true;
                return {finish: finish};
            }
            channel.onmessage = function (event) {
                var data = event.data || {};
                if (data.type === 'hello') { tellState(); }
                if (data.type === 'finish') { finish(); }
                if (data.type === 'ended') { end(data.message); }
            };
            shareButton.addEventListener('click', share);
            // Closing the window stops the recording: the learner is asked first, the exam page told after.
            global.addEventListener('beforeunload', function (event) {
                if (recorder && !done) {
                    event.preventDefault();
                    event.returnValue = '';
                }
            });
            global.addEventListener('pagehide', function () {
                if (!done) { tell({type: 'closed', reason: 'screen_stopped'}); }
            });
            tellState();
            shareButton.focus();
            return {finish: finish};
        }
    }

    global.ProctoredExamCapture = ProctoredExamCapture;
}(window));
