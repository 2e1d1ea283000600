<#
.SYNOPSIS
    Installerer Dispo for den aktuelle bruger, uden administratorrettigheder.

.DESCRIPTION
    Kopierer mappen, som dette script ligger i (den byggede Dispo-mappe med Dispo.exe),
    til %LOCALAPPDATA%\Programs\Dispo og lægger genvejen "Dispo" i brugerens Start-menu
    (%APPDATA%\Microsoft\Windows\Start Menu\Programs). Alt ligger i brugerens egne mapper,
    så der kræves ingen administratorrettigheder.

    Dispos data (databasen, sikkerhedskopier og logfiler) ligger i %LOCALAPPDATA%\Dispo
    eller hvor brugeren selv gemmer sin database. De røres hverken ved installation,
    opdatering eller afinstallation.

.PARAMETER Til
    Hvor programmet installeres (standard: %LOCALAPPDATA%\Programs\Dispo).

.PARAMETER Skrivebord
    Læg også en genvej på skrivebordet.

.PARAMETER Afinstaller
    Fjern genvejene og programmappen igen (data bevares).

.EXAMPLE
    powershell -NoProfile -ExecutionPolicy Bypass -File installer.ps1
.EXAMPLE
    powershell -NoProfile -ExecutionPolicy Bypass -File installer.ps1 -Afinstaller
#>
[CmdletBinding()]
param(
    [string]$Til = (Join-Path $env:LOCALAPPDATA 'Programs\Dispo'),
    [switch]$Skrivebord,
    [switch]$Afinstaller
)

$ErrorActionPreference = 'Stop'
$Kilde = $PSScriptRoot
$StartMenu = [Environment]::GetFolderPath('Programs')      # %APPDATA%\Microsoft\Windows\Start Menu\Programs
$Desktop = [Environment]::GetFolderPath('DesktopDirectory')
$Genveje = @((Join-Path $StartMenu 'Dispo.lnk'), (Join-Path $Desktop 'Dispo.lnk'))

function Stop-IfDispoRuns([string]$Mappe) {
    $koerer = Get-Process -Name 'Dispo', 'dispo-cli' -ErrorAction SilentlyContinue |
        Where-Object { $_.Path -and $_.Path.StartsWith($Mappe, [StringComparison]::OrdinalIgnoreCase) }
    if ($koerer) {
        throw "Dispo kører fra $Mappe. Luk Dispo og kør scriptet igen."
    }
}

function New-Genvej([string]$Sti, [string]$Program, [string]$Mappe) {
    $shell = New-Object -ComObject WScript.Shell
    $genvej = $shell.CreateShortcut($Sti)
    $genvej.TargetPath = $Program
    $genvej.WorkingDirectory = $Mappe
    $genvej.IconLocation = "$Program,0"
    $genvej.Description = 'Dispo - budgetopfølgning på det specialiserede voksenområde'
    $genvej.Save()
}

try {
    $Til = [IO.Path]::GetFullPath($Til)
    if ($Afinstaller) {
        Stop-IfDispoRuns $Til
        foreach ($genvej in $Genveje) { Remove-Item -LiteralPath $genvej -Force -ErrorAction SilentlyContinue }
        if (Test-Path -LiteralPath (Join-Path $Til 'Dispo.exe')) {
            Remove-Item -LiteralPath $Til -Recurse -Force
        }
        Write-Host "Dispo er afinstalleret. Data i $env:LOCALAPPDATA\Dispo er bevaret."
        exit 0
    }

    if (-not (Test-Path -LiteralPath (Join-Path $Kilde 'Dispo.exe'))) {
        throw "Dispo.exe findes ikke i $Kilde. Kør scriptet fra den byggede Dispo-mappe."
    }
    $Kilde = [IO.Path]::GetFullPath($Kilde)
    if ($Kilde.TrimEnd('\') -ne $Til.TrimEnd('\')) {
        Stop-IfDispoRuns $Til
        if (Test-Path -LiteralPath (Join-Path $Til 'Dispo.exe')) {
            Remove-Item -LiteralPath $Til -Recurse -Force     # an earlier version: replaced as a whole
        }
        New-Item -ItemType Directory -Path $Til -Force | Out-Null
        Copy-Item -Path (Join-Path $Kilde '*') -Destination $Til -Recurse -Force
    }
    # files from a downloaded zip carry the "from the internet" mark; the copy is ours now
    Get-ChildItem -LiteralPath $Til -Recurse -File | Unblock-File -ErrorAction SilentlyContinue

    $Program = Join-Path $Til 'Dispo.exe'
    New-Genvej (Join-Path $StartMenu 'Dispo.lnk') $Program $Til
    if ($Skrivebord) { New-Genvej (Join-Path $Desktop 'Dispo.lnk') $Program $Til }

    Write-Host "Dispo er installeret i $Til"
    Write-Host "Genvejen 'Dispo' ligger i Start-menuen ($StartMenu)."
    Write-Host "Kommandolinjen: `"$Til\dispo-cli.exe`" --help"
    exit 0
}
catch {
    Write-Host "Installationen mislykkedes: $($_.Exception.Message)" -ForegroundColor Red
    exit 1
}
