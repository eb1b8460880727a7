# answerdesk: one static binary (pure-Go SQLite, no cgo) on a distroless base.
#   docker build -t answerdesk .
#   docker run -p 8080:8080 -v answerdesk-data:/data answerdesk
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/answerdesk ./cmd/answerdesk

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/answerdesk /answerdesk
ENV ANSWERDESK_DATA=/data
VOLUME /data
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/answerdesk"]
CMD ["serve", "--addr", ":8080"]
