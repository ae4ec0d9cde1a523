/* An exam question that saves the answer as the learner types (after a short pause). */
(function (global) {
    'use strict';

    function csrfToken() {
        var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
        return match ? decodeURIComponent(match[1]) : '';
    }

    function ExamQuestionBlock(runtime, element, init) {
        var root = element && element.jquery ? element[0] : element;
        var box = root.querySelector('.exam-question__answer');
        var state = root.querySelector('.exam-question__state');
        var pending = null;

        // Consume our init arguments once read, as the LMS runtime does. The XBlock workbench reads a
        // block's arguments with a descendant selector, so it would read ours into the enclosing
        // exam's too, fail to parse them, and never start the exam's timer.
        Array.prototype.slice.call(root.children).forEach(function (child) {
            if (child.matches('script.xblock_json_init_args, script.xblock-json-init-args')) {
                child.parentNode.removeChild(child);
            }
        });

        function save() {
            pending = null;
            state.textContent = init.messages.saving;
            fetch(init.save, {
                method: 'POST', credentials: 'same-origin',
                headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrfToken()},
                body: JSON.stringify({answer: box.value})
            }).then(function (response) {
                return response.json().then(function (body) {
                    state.textContent = response.ok ? init.messages.saved : (body.message || init.messages.failed);
                    state.setAttribute('data-saved', response.ok ? 'true' : 'false');
                });
            }).catch(function () {
                state.textContent = init.messages.failed;
                state.setAttribute('data-saved', 'false');
            });
        }

        box.addEventListener('input', function () {
            if (pending) { global.clearTimeout(pending); }
            pending = global.setTimeout(save, 400);
        });
        box.addEventListener('blur', function () {
            if (pending) { global.clearTimeout(pending); save(); }
        });
    }

    global.ExamQuestionBlock = ExamQuestionBlock;
}(window));
