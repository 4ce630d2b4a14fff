/* Security keys and passkeys (WebAuthn): adding one on Mitt konto, and using one at login.
 *
 * A form marked data-webauthn="create" or "get" carries the server's options as JSON in
 * data-webauthn-options. On submit the browser is asked for the credential, which is put into
 * the form's hidden "credential" field as JSON, and the form is then sent as usual. Without
 * WebAuthn in the browser, the parts marked data-webauthn-available stay hidden and those
 * marked data-webauthn-unavailable stay shown. Served from /static under script-src 'self'.
 */
(function () {
  "use strict";

  var supported = Boolean(window.PublicKeyCredential && navigator.credentials &&
                          window.isSecureContext);

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) {
      base64 += "=";
    }
    var text = atob(base64);
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i += 1) {
      bytes[i] = text.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    if (!buffer) {
      return null;
    }
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i += 1) {
      text += String.fromCharCode(bytes[i]);
    }
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBytes(descriptors) {
    return (descriptors || []).map(function (descriptor) {
      return Object.assign({}, descriptor, { id: toBytes(descriptor.id) });
    });
  }

  function publicKeyOptions(options, kind) {
    var publicKey = Object.assign({}, options, { challenge: toBytes(options.challenge) });
    if (kind === "create") {
      publicKey.user = Object.assign({}, options.user, { id: toBytes(options.user.id) });
      publicKey.excludeCredentials = withBytes(options.excludeCredentials);
    } else {
      publicKey.allowCredentials = withBytes(options.allowCredentials);
    }
    return publicKey;
  }

  function asJson(credential, kind) {
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) }
    };
    if (kind === "create") {
      json.response.attestationObject = toBase64url(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      json.response.userHandle = toBase64url(response.userHandle);
    }
    return JSON.stringify(json);
  }

  function showError(form) {
    var status = form.querySelector("[data-webauthn-status]");
    if (status) {
      status.textContent = form.getAttribute("data-webauthn-error");
      status.hidden = false;
    }
  }

  function ask(form, kind) {
    var options = publicKeyOptions(JSON.parse(form.getAttribute("data-webauthn-options")), kind);
    var request = kind === "create" ?
      navigator.credentials.create({ publicKey: options }) :
      navigator.credentials.get({ publicKey: options });
    return request.then(function (credential) {
      if (!credential) {
        throw new Error("no credential");
      }
      form.querySelector("input[name$='credential']").value = asJson(credential, kind);
      HTMLFormElement.prototype.submit.call(form);  // a field named "submit" hides form.submit
    });
  }

  function start() {
    document.querySelectorAll("[data-webauthn-available]").forEach(function (part) {
      part.hidden = !supported;
    });
    document.querySelectorAll("[data-webauthn-unavailable]").forEach(function (part) {
      part.hidden = supported;
    });
    if (!supported) {
      return;
    }
    document.querySelectorAll("form[data-webauthn]").forEach(function (form) {
      var kind = form.getAttribute("data-webauthn");
      var busy = false;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (busy) {
          return;
        }
        busy = true;
        var status = form.querySelector("[data-webauthn-status]");
        if (status) {
          status.hidden = true;
        }
        ask(form, kind).catch(function () {
          busy = false;
          showError(form);
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
