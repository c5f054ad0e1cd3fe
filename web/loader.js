// tickwire loader.
//
// Checks that the browser can run the game (WebAssembly, WebGL 2, Go's
// wasm_exec.js), downloads tickwire.wasm with a real progress bar, then
// starts the Go program. Ebiten adds its own canvas to <body>; the loader
// overlay is hidden once the game runs and shown again if it stops.
//
// window.tickwireLoader = {state, error, loaded, total, replays} reports
// progress to tests: state is 'loading', 'running' or 'error' ('lobby' when
// lobby.js shows the lobby instead, because the address names nothing to play);
// error is the message shown on the page; replays counts the replay files handed
// to the game.
//
// A replay file dropped anywhere on the page, or picked with the file input
// #replay-file (the game's Open button clicks it), is read and handed to the
// game as bytes (window.tickwireOpenReplay, which the wasm registers), which
// plays it with the game's own renderer. Dropped on the lobby, it starts the
// game first and hands the file over once the game is up.
//
// Written in ES5 (plus Promise/fetch, used only after the feature checks) so
// that very old browsers still get the "not supported" message instead of a
// syntax error.
(function () {
  'use strict';

  var WASM_URL = 'tickwire.wasm';
  var MB = 1e6;

  var loader = {state: 'loading', error: '', loaded: 0, total: 0, replays: 0};
  var pendingReplay = null; // a replay file's bytes waiting for the game to start
  var HANDOVER_MS = 100;
  window.tickwireLoader = loader;

  function $(id) {
    return document.getElementById(id);
  }

  // A failure whose message is meant for the player.
  function problem(message) {
    var e = new Error(message);
    e.tickwireMessage = message;
    return e;
  }

  function describe(err) {
    if (err && err.message) {
      return err.message;
    }
    return String(err);
  }

  function formatMB(bytes) {
    return (bytes / MB).toFixed(1) + ' MB';
  }

  function setStatus(text) {
    var el = $('status');
    if (el && el.textContent !== text) {
      el.textContent = text;
    }
  }

  // total <= 0 means unknown: the bar slides instead of filling.
  function setProgress(loaded, total) {
    loader.loaded = loaded;
    loader.total = total > 0 ? total : 0;
    var box = $('progress');
    var bar = $('progress-bar');
    if (total > 0) {
      var pct = Math.min(100, (loaded * 100) / total);
      box.classList.remove('indeterminate');
      box.setAttribute('aria-valuenow', String(Math.round(pct)));
      bar.style.width = pct.toFixed(1) + '%';
      setStatus('Downloading game: ' + formatMB(loaded) + ' of ' + formatMB(total));
    } else {
      box.classList.add('indeterminate');
      box.removeAttribute('aria-valuenow');
      bar.style.width = '';
      setStatus('Downloading game: ' + formatMB(loaded));
    }
  }

  function showLoader(show) {
    var el = $('loader');
    el.hidden = !show;
    el.setAttribute('aria-busy', String(show && loader.state === 'loading'));
  }

  function fail(message) {
    loader.state = 'error';
    loader.error = message;
    if (window.console && console.error) {
      console.error('tickwire: ' + message);
    }
    $('loader').classList.add('failed');
    showLoader(true);
    setStatus('');
    $('error-message').textContent = message;
    $('error').hidden = false;
    var button = $('reload');
    if (button) {
      button.onclick = function () {
        window.location.reload();
      };
    }
  }

  function hasWebAssembly() {
    return typeof WebAssembly === 'object' && WebAssembly !== null &&
      typeof WebAssembly.instantiate === 'function' &&
      typeof Promise === 'function' && typeof fetch === 'function' &&
      typeof Uint8Array === 'function';
  }

  function hasWebGL2() {
    try {
      var gl = document.createElement('canvas').getContext('webgl2');
      if (!gl) {
        return false;
      }
      // Free the probe context right away; browsers limit live contexts.
      var lose = gl.getExtension && gl.getExtension('WEBGL_lose_context');
      if (lose) {
        lose.loseContext();
      }
      return true;
    } catch (e) {
      return false;
    }
  }

  // parseSize returns the byte count in a header value, or 0.
  function parseSize(value) {
    if (value === null || value === undefined || !/^\s*\d+\s*$/.test(value)) {
      return 0;
    }
    return parseInt(value, 10);
  }

  // expectedSize is the uncompressed size of the download, or 0 if unknown.
  // The server sends X-Decoded-Length for precompressed files, whose
  // Content-Length is the compressed size (the browser decodes on the fly,
  // so the body we read has the decoded size).
  function expectedSize(headers) {
    var decoded = parseSize(headers.get('X-Decoded-Length'));
    if (decoded > 0) {
      return decoded;
    }
    var encoding = (headers.get('Content-Encoding') || '').toLowerCase();
    if (encoding !== '' && encoding !== 'identity') {
      return 0;
    }
    return parseSize(headers.get('Content-Length'));
  }

  function concat(chunks, length) {
    if (chunks.length === 1) {
      return chunks[0];
    }
    var out = new Uint8Array(length);
    var offset = 0;
    for (var i = 0; i < chunks.length; i++) {
      out.set(chunks[i], offset);
      offset += chunks[i].byteLength;
    }
    return out;
  }

  function readBody(response, total) {
    var body = response.body;
    if (!body || typeof body.getReader !== 'function') {
      // No streaming support: no progress until the end.
      return response.arrayBuffer().then(function (buf) {
        setProgress(buf.byteLength, buf.byteLength);
        return new Uint8Array(buf);
      });
    }
    var reader = body.getReader();
    var chunks = [];
    var loaded = 0;
    function pump() {
      return reader.read().then(function (step) {
        if (step.done) {
          setProgress(loaded, total > 0 ? total : loaded);
          return concat(chunks, loaded);
        }
        chunks.push(step.value);
        loaded += step.value.byteLength;
        if (total > 0 && loaded > total) {
          total = 0; // The size header was wrong; stop pretending.
        }
        setProgress(loaded, total);
        return pump();
      });
    }
    return pump().then(null, function (err) {
      throw problem('The download of ' + WASM_URL + ' was interrupted after ' +
        formatMB(loaded) + ' (' + describe(err) + '). Check your connection and reload the page.');
    });
  }

  function download() {
    setProgress(0, 0);
    return fetch(WASM_URL).then(function (response) {
      if (!response.ok) {
        var text = response.statusText ? ' ' + response.statusText : '';
        throw problem('Downloading ' + WASM_URL + ' failed: the server answered HTTP ' +
          response.status + text + '. The game may not be built or deployed correctly.');
      }
      var total = expectedSize(response.headers);
      setProgress(0, total);
      return readBody(response, total).then(function (bytes) {
        if (bytes.length < 4 || bytes[0] !== 0x00 || bytes[1] !== 0x61 ||
          bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
          throw problem('The server did not send a WebAssembly module for ' + WASM_URL +
            ' (Content-Type: ' + (response.headers.get('Content-Type') || 'none') +
            '). The game may not be built or deployed correctly.');
        }
        return bytes;
      });
    }, function (err) {
      throw problem('Could not reach the game server to download ' + WASM_URL + ' (' +
        describe(err) + '). Check that the server is running and reload the page.');
    });
  }

  function start(bytes) {
    setStatus('Starting…');
    var go = new Go();
    var exitCode = null;
    var goExit = go.exit;
    go.exit = function (code) {
      exitCode = code;
      if (typeof goExit === 'function') {
        goExit.call(go, code);
      }
    };
    return WebAssembly.instantiate(bytes, go.importObject).then(function (result) {
      loader.state = 'running';
      showLoader(false);
      // Resolves only when the Go program exits; a game normally never does.
      return Promise.resolve(go.run(result.instance)).then(function () {
        if (exitCode !== null && exitCode !== 0) {
          fail('The game stopped unexpectedly (exit code ' + exitCode +
            '). Details are in the browser console. Reload the page to play again.');
        } else {
          fail('The game has ended. Reload the page to play again.');
        }
      }, function (err) {
        fail('The game crashed: ' + describe(err) + '. Reload the page to play again.');
      });
    }, function (err) {
      throw problem(WASM_URL + ' could not be started: ' + describe(err) + '.');
    });
  }

  // handOver gives the pending replay to the game once it has registered
  // tickwireOpenReplay, checking again every HANDOVER_MS until it has.
  function handOver() {
    if (pendingReplay === null || loader.state === 'error') {
      return;
    }
    if (typeof window.tickwireOpenReplay !== 'function') {
      setTimeout(handOver, HANDOVER_MS);
      return;
    }
    var bytes = pendingReplay;
    pendingReplay = null;
    loader.replays++;
    window.tickwireOpenReplay(bytes);
  }

  // MAX_REPLAY_BYTES is the largest replay file the page reads: far above a real
  // one (a 10-minute arena match of 10 players is about 150 KB), far below what
  // would exhaust the tab (a file dropped by mistake).
  var MAX_REPLAY_BYTES = 16 << 20;

  // openReplay reads a replay file and hands it to the game, starting the game
  // first when the page shows the lobby. A file too big to be a replay is not
  // read at all.
  function openReplay(file) {
    if (!file || typeof FileReader !== 'function') {
      return;
    }
    if (file.size > MAX_REPLAY_BYTES) {
      loader.replayRefused = file.name + ' is ' + Math.round(file.size / (1 << 20)) +
        ' MB: too big to be a tickwire replay (at most 16 MB)';
      if (window.console && console.error) {
        console.error('tickwire: ' + loader.replayRefused);
      }
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      pendingReplay = new Uint8Array(reader.result);
      if (loader.state === 'lobby') {
        var lobby = $('lobby');
        if (lobby) {
          lobby.hidden = true;
        }
        loader.state = 'loading';
        showLoader(true);
        load();
      }
      handOver();
    };
    reader.onerror = function () {
      if (window.console && console.error) {
        console.error('tickwire: could not read ' + file.name + ': ' + describe(reader.error));
      }
    };
    reader.readAsArrayBuffer(file);
  }

  // listenForReplays makes the whole page a drop target for replay files, and
  // #replay-file the picker's.
  function listenForReplays() {
    if (!document.addEventListener) {
      return;
    }
    document.addEventListener('dragover', function (e) {
      e.preventDefault(); // without it the browser opens the file instead of dropping it here
    });
    document.addEventListener('drop', function (e) {
      e.preventDefault();
      var files = e.dataTransfer && e.dataTransfer.files;
      if (files && files.length > 0) {
        openReplay(files[0]);
      }
    });
    var input = $('replay-file');
    if (input) {
      input.addEventListener('change', function () {
        if (input.files && input.files.length > 0) {
          openReplay(input.files[0]);
        }
        input.value = ''; // the same file again is a change too
      });
    }
  }

  function main() {
    listenForReplays();
    if (window.tickwireLobby && window.tickwireLobby.active) {
      loader.state = 'lobby'; // lobby.js shows the lobby: nothing to load, until a replay is dropped
      return;
    }
    load();
  }

  function load() {
    var search = (window.location && window.location.search) || '';
    var game = /[?&]game=([a-z0-9-]+)/.exec(search);
    var heading = $('game-title');
    if (heading && (pendingReplay !== null || /[?&]replay=/.test(search))) {
      heading.textContent = 'replay';
    } else if (game && heading) {
      heading.textContent = game[1];
    }
    if (!hasWebAssembly()) {
      fail('Your browser does not support WebAssembly (or it is disabled), which tickwire needs. ' +
        'Please use a current version of Firefox, Chrome, Edge or Safari.');
      return;
    }
    if (!hasWebGL2()) {
      fail('Your browser cannot provide WebGL 2, which tickwire needs to draw the game. ' +
        'Enable hardware acceleration in the browser settings, update your graphics driver, or try another browser.');
      return;
    }
    if (typeof Go !== 'function') {
      fail('The Go WebAssembly support script (wasm_exec.js) did not load. ' +
        'Check that the server is running and serving the complete build, then reload the page.');
      return;
    }
    download().then(start).then(null, function (err) {
      fail(err && err.tickwireMessage ? err.tickwireMessage : 'Unexpected error while loading the game: ' + describe(err));
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', main);
  } else {
    main();
  }
})();
