<#
.SYNOPSIS
    Bygger Dispo til Windows (én mappe med Dispo.exe) fra kildekoden, uden administratorrettigheder.

.DESCRIPTION
    Kræver Python 3.11 eller nyere (fx fra python.org, "Install for me only").
    Laver et byggemiljø i .venv-build, installerer Dispo med byggeværktøjerne
    (pip install .[build], som henter PyInstaller), bygger mappen dist\Dispo med
    packaging\build.py og pakker den som dist\Dispo-<version>-windows.zip.

.EXAMPLE
    powershell -NoProfile -ExecutionPolicy Bypass -File packaging\build_windows.ps1
.EXAMPLE
    powershell -NoProfile -ExecutionPolicy Bypass -File packaging\build_windows.ps1 -Python "C:\Python312\python.exe"
#>
[CmdletBinding()]
param(
    [string]$Python = 'python'
)

$ErrorActionPreference = 'Stop'
$Root = Split-Path -Parent $PSScriptRoot
Set-Location $Root

function Invoke-Checked([string]$Program, [string[]]$Arguments) {
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Program $($Arguments -join ' ') sluttede med kode $LASTEXITCODE" }
}

$Venv = Join-Path $Root '.venv-build'
$Py = Join-Path $Venv 'Scripts\python.exe'
if (-not (Test-Path -LiteralPath $Py)) {
    Write-Host 'Opretter byggemiljøet .venv-build ...'
    Invoke-Checked $Python @('-m', 'venv', $Venv)
}
Write-Host 'Installerer Dispo og byggeværktøjerne ...'
Invoke-Checked $Py @('-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', "${Root}[build]")
Invoke-Checked $Py @((Join-Path $PSScriptRoot 'build.py'))

$Version = (& $Py -c 'from core import __version__; print(__version__)').Trim()
$Zip = Join-Path $Root "dist\Dispo-$Version-windows.zip"
Remove-Item -LiteralPath $Zip -Force -ErrorAction SilentlyContinue
Compress-Archive -Path (Join-Path $Root 'dist\Dispo') -DestinationPath $Zip
Write-Host "Færdig: $Zip"
Write-Host 'Pak zip-filen ud hos brugeren og kør installer.cmd i mappen Dispo.'
