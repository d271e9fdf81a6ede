"""Exercise a FoveaHTTP server with Python's standard http.client.

Usage: http_client_check.py PORT [--tls CAFILE]
Prints one JSON object with what the client observed; the Swift test asserts on it.
"""
import http.client
import json
import ssl
import sys


def main() -> None:
    port = int(sys.argv[1])
    if len(sys.argv) > 3 and sys.argv[2] == "--tls":
        context = ssl.create_default_context(cafile=sys.argv[3])
        context.check_hostname = False
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=5)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)

    observed = {}
    connection.request("GET", "/healthz")
    response = connection.getresponse()
    observed["healthz"] = [response.status, response.read().decode()]

    # Same connection: keep-alive must keep it usable.
    payload = bytes(range(256)) * 40
    connection.request("POST", "/echo?name=caf%C3%A9", body=payload,
                       headers={"Content-Type": "application/octet-stream"})
    response = connection.getresponse()
    body = response.read()
    # http.client decodes header bytes as Latin-1; the server sent UTF-8.
    query = response.getheader("X-Echo-Query").encode("latin-1").decode("utf-8")
    observed["echo"] = [response.status, body == payload, query]

    # Chunked upload: http.client frames an iterable body with Transfer-Encoding: chunked.
    connection.request("POST", "/echo", body=iter([b"chunk-one,", b"chunk-two"]))
    response = connection.getresponse()
    observed["chunked"] = [response.status, response.read().decode()]

    connection.request("HEAD", "/healthz")
    response = connection.getresponse()
    observed["head"] = [response.status, response.getheader("Content-Length"), response.read().decode()]

    connection.request("GET", "/missing")
    response = connection.getresponse()
    observed["missing"] = [response.status, json.loads(response.read())["error"]["code"]]
    connection.close()
    print(json.dumps(observed))


if __name__ == "__main__":
    main()
